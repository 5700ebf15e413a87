import { describe, expect, it } from 'vitest';
import { parseWrkOutput } from '../../bench/provider/wrk.ts';

// What wrk 4.1 (Debian) prints with --latency; the bench reads req/s, errors and percentiles from it.
const CLEAN = `Running 4s test @ http://127.0.0.1:40569/scim/v2/Users/abc
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.62ms    1.04ms  18.12ms   93.10%
    Req/Sec    20.41k     1.53k   22.40k    82.50%
  Latency Distribution
     50%    1.41ms
     75%    1.62ms
     90%    2.07ms
     99%  520.00us
  81234 requests in 4.00s, 48.83MB read
Requests/sec:  20305.12
Transfer/sec:     12.21MB
`;

describe('parseWrkOutput', () => {
  it('reads requests per second, the request count and the latency percentiles', () => {
    expect(parseWrkOutput(CLEAN)).toEqual({ rps: 20305.12, requests: 81234, errors: 0, latencyP50Ms: 1.41, latencyP99Ms: 0.52 });
  });

  it('counts non-2xx answers and socket errors as errors', () => {
    const text = CLEAN.replace('Requests/sec', 'Socket errors: connect 0, read 2, write 0, timeout 3\n  Non-2xx or 3xx responses: 7\nRequests/sec');
    expect(parseWrkOutput(text).errors).toBe(12);
  });

  it('refuses output that is not a wrk report', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(/unexpected wrk output/);
  });
});
