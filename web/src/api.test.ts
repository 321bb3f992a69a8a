import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, errorFromBody, queryString } from './api';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(status: number, body: unknown, calls: Call[]): typeof fetch {
  return async (input, init) => {
    calls.push({ url: String(input), init: init ?? {} });
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  };
}

const session = {
  user: { id: 'u1', org_id: 'o1', username: 'coord', role: 'coordination_office' },
  org: { id: 'o1' },
  csrf_token: 'tok-123',
};

describe('errorFromBody', () => {
  it('reads the API error shape', () => {
    const e = errorFromBody(400, {
      error: {
        code: 'invalid_argument',
        message: 'bad',
        request_id: 'r1',
        details: [{ field: 'username', problem: 'required' }, { nonsense: true }],
      },
    });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('invalid_argument');
    expect(e.requestId).toBe('r1');
    expect(e.details).toEqual([{ field: 'username', problem: 'required' }]);
  });

  it("keeps a detail's problem code and only its string parameters", () => {
    const e = errorFromBody(400, {
      error: {
        code: 'invalid_argument',
        message: 'rejected',
        details: [
          {
            field: 'Answers!3:x',
            problem: 'the cell shows the error #DIV/0!',
            code: 'workbook.cell_error',
            params: { error: '#DIV/0!', nested: { evil: true }, count: 3 },
          },
          { field: 'y', problem: 'odd', code: 42, params: 'x' },
          { field: 'z', problem: 'odd', code: 'bank.version', params: ['a'] },
        ],
      },
    });
    expect(e.details).toEqual([
      {
        field: 'Answers!3:x',
        problem: 'the cell shows the error #DIV/0!',
        code: 'workbook.cell_error',
        params: { error: '#DIV/0!' },
      },
      { field: 'y', problem: 'odd' },
      { field: 'z', problem: 'odd', code: 'bank.version', params: {} },
    ]);
  });

  it('falls back to a code for the status when the body is not an API error', () => {
    expect(errorFromBody(429, undefined).code).toBe('resource_exhausted');
    expect(errorFromBody(502, 'Bad gateway').code).toBe('internal');
  });
});

describe('queryString', () => {
  it('drops empty values and encodes the rest', () => {
    expect(
      queryString({ kind: '', sector: 'major_bank', q: '銀行 &', limit: 1, x: undefined }),
    ).toBe('?sector=major_bank&q=%E9%8A%80%E8%A1%8C+%26&limit=1');
    expect(queryString({ kind: '' })).toBe('');
  });
});

describe('ApiClient', () => {
  it('sends a file as the raw body with its headers and the CSRF token, errors as JSON calls', async () => {
    const calls: Call[] = [];
    const client = new ApiClient(fakeFetch(200, session, calls));
    await client.login('coord', 'pw');
    const file = new Blob(['%PDF-1.7'], { type: 'application/pdf' });
    await client.send('POST', '/upload', file, { 'X-Filename': 'a%20b.pdf' });
    const headers = calls[1].init.headers as Record<string, string>;
    expect(calls[1].init.body).toBe(file);
    expect(headers['Content-Type']).toBe('application/pdf');
    expect(headers['X-Filename']).toBe('a%20b.pdf');
    expect(headers['X-CSRF-Token']).toBe('tok-123');
    await client.send('POST', '/upload', new Blob([new Uint8Array([1, 2])]));
    expect((calls[2].init.headers as Record<string, string>)['Content-Type']).toBe(
      'application/octet-stream',
    );

    const refusing = new ApiClient(
      fakeFetch(413, { error: { code: 'resource_exhausted', message: 'too large' } }, []),
    );
    await expect(refusing.send('POST', '/upload', file)).rejects.toMatchObject({
      status: 413,
      code: 'resource_exhausted',
    });
  });

  it('posts a log sample as the raw body, with the format in the query', async () => {
    const calls: Call[] = [];
    const client = new ApiClient(fakeFetch(200, { matches: 0 }, calls));
    const sample = new Blob(['line one\n'], { type: 'text/plain' });
    await client.checkLog('c/1', sample, 'squid');
    expect(calls[0].url).toBe('/api/v1/sharing/collections/c%2F1/log-check?format=squid');
    expect(calls[0].init.method).toBe('POST');
    expect(calls[0].init.body).toBe(sample);
    expect((calls[0].init.headers as Record<string, string>)['Content-Type']).toBe('text/plain');
  });

  it('sends the CSRF token from login on unsafe requests only', async () => {
    const calls: Call[] = [];
    const client = new ApiClient(fakeFetch(200, session, calls));
    await client.login('coord', 'pw');
    await client.orgs({ kind: 'bureau' });
    await client.disableUser('u 2');
    const headers = calls.map((c) => c.init.headers as Record<string, string>);
    expect(calls[0].url).toBe('/api/v1/auth/login');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ username: 'coord', password: 'pw' });
    expect(headers[1]['X-CSRF-Token']).toBeUndefined();
    expect(calls[1].url).toBe('/api/v1/orgs?kind=bureau');
    expect(calls[2].url).toBe('/api/v1/users/u%202/disable');
    expect(calls[2].init.method).toBe('POST');
    expect(headers[2]['X-CSRF-Token']).toBe('tok-123');
  });

  it('reports a lost session once logged in, but not a failed login', async () => {
    let lost = 0;
    const failing = new ApiClient(
      fakeFetch(401, { error: { code: 'unauthenticated', message: 'no' } }, []),
    );
    failing.onUnauthenticated = () => lost++;
    await expect(failing.login('a', 'b')).rejects.toMatchObject({ status: 401 });
    expect(lost).toBe(0);
    failing.setCsrfToken('tok');
    await expect(failing.me()).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(lost).toBe(1);
  });

  it('turns a network failure into an ApiError', async () => {
    const client = new ApiClient(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(client.sectors()).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('returns nothing for 204', async () => {
    const client = new ApiClient(fakeFetch(204, undefined, []));
    await expect(client.logout()).resolves.toBeUndefined();
  });
});
