import { apiVersionsHandler } from './api-versions.ts';
import { createTopicsHandler } from './create-topics.ts';
import { deleteTopicsHandler } from './delete-topics.ts';
import { describeGroupsHandler } from './describe-groups.ts';
import { fetchHandler } from './fetch.ts';
import { findCoordinatorHandler } from './find-coordinator.ts';
import { heartbeatHandler } from './heartbeat.ts';
import { initProducerIdHandler } from './init-producer-id.ts';
import { joinGroupHandler } from './join-group.ts';
import { leaveGroupHandler } from './leave-group.ts';
import { listGroupsHandler } from './list-groups.ts';
import { listOffsetsHandler } from './list-offsets.ts';
import { metadataHandler } from './metadata.ts';
import { offsetCommitHandler } from './offset-commit.ts';
import { offsetFetchHandler } from './offset-fetch.ts';
import { produceHandler } from './produce.ts';
import { syncGroupHandler } from './sync-group.ts';
import type { ApiHandler } from './types.ts';

const handlers: ApiHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  initProducerIdHandler,
];
handlers.push(apiVersionsHandler(() => handlers));

/** Every implemented API, keyed by API key; ApiVersions advertises exactly these ranges. */
export const HANDLERS: ReadonlyMap<number, ApiHandler> = new Map(handlers.map((h) => [h.apiKey, h]));
