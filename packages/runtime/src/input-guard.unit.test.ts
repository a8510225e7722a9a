import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { clientDataError, inputGuard, originFormUrl, unstorableText } from './input-guard.ts';

describe('input guard', () => {
  it('finds NUL characters and lone surrogates, and lets surrogate pairs and CJK through', () => {
    expect(unstorableText('a\u0000b')).toContain('NUL');
    expect(unstorableText('张\ud800三')).toContain('surrogate');
    expect(unstorableText('\udc00')).toContain('surrogate');
    expect(unstorableText('王😀班')).toBeNull();
  });

  it('names the field of params, query and body, and leaves batch rows to the contracts', async () => {
    const req = (parts: Record<string, unknown>) =>
      ({ params: {}, query: {}, body: undefined, ...parts }) as never;
    await expect(inputGuard(req({ params: { id: 'x\u0000' } }))).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'params.id', message: expect.stringContaining('NUL') }],
    });
    await expect(inputGuard(req({ query: { district: ['东区', '\ud800'] } }))).rejects.toMatchObject({
      errors: [{ row: 2, field: 'query.district', message: expect.stringContaining('surrogate') }],
    });
    await expect(
      inputGuard(req({ body: { reason: 'ok', note: { text: '\u0000' } } })),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(inputGuard(req({ body: { workers: [{ team: '\u0000' }] } }))).resolves.toBeUndefined();
    await expect(inputGuard(req({ body: { reason: '更正' } }))).resolves.toBeUndefined();
  });

  it('routes an absolute-form request target by its path and query', () => {
    expect(originFormUrl({ url: 'http://127.0.0.1:8080/v1/findings?limit=1' } as never)).toBe(
      '/v1/findings?limit=1',
    );
    expect(originFormUrl({ url: 'HTTPS://example.org' } as never)).toBe('/');
    expect(originFormUrl({ url: 'http://h?x=1' } as never)).toBe('/?x=1');
    expect(originFormUrl({ url: '/v1/findings' } as never)).toBe('/v1/findings');
  });

  it('maps a database data exception (SQLSTATE class 22) to a 400, and nothing else', () => {
    expect(
      clientDataError({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' }),
    ).toMatchObject({
      status: 400,
      code: 'validation-failed',
    });
    expect(clientDataError({ code: '22003' })?.message).not.toContain('0x00');
    expect(clientDataError({ code: '23505' })).toBeNull();
    expect(clientDataError(new Error('boom'))).toBeNull();
  });
});
