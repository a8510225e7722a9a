/**
 * Where the real services for tests come from, decided in one place: containers through
 * testcontainers when a container runtime is present, else this machine's own PostgreSQL and
 * Redis (the development machines and CI have no Docker engine). The choice is printed once.
 */
export type TestServices = { source: 'containers' | 'local'; postgresUrl: string; redisUrl: string };

let resolved: Promise<TestServices> | undefined;

export function resolveServices(): Promise<TestServices> {
  resolved ??= (async () => {
    const local: TestServices = {
      source: 'local',
      postgresUrl: process.env.WAGEWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: process.env.WAGEWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    };
    if (process.env.WAGEWATCH_TEST_SERVICES === 'local')
      return announce(local, 'WAGEWATCH_TEST_SERVICES=local');
    try {
      const tc = await import('testcontainers');
      await tc.getContainerRuntimeClient();
      const postgres = await new tc.GenericContainer('postgres:15')
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
        .withExposedPorts(5432)
        .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start();
      const redis = await new tc.GenericContainer('redis:7').withExposedPorts(6379).start();
      return announce(
        {
          source: 'containers',
          postgresUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
          redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
        },
        'a container runtime was found',
      );
    } catch (err) {
      return announce(local, `no container runtime (${(err as Error).message.split('\n')[0]})`);
    }
  })();
  return resolved;
}

function announce(s: TestServices, why: string): TestServices {
  const where =
    s.source === 'local'
      ? `this machine's PostgreSQL (${new URL(s.postgresUrl).host}) and Redis`
      : 'containers';
  process.stderr.write(`[testkit] test services: ${where} — ${why}\n`);
  return s;
}
