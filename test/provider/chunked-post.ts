/**
 * POSTs `totalBytes` of body in 64 KiB chunks (chunked transfer coding, no Content-Length) and resolves with the
 * status the server answered, without reading further: what a size limit on a streamed body must stop.
 */
import http from 'node:http';

export function postChunked(target: { host: string; port: number | string; path: string }, headers: Record<string, string>, totalBytes: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = http.request({ host: target.host, port: target.port, path: target.path, method: 'POST', headers }, (res) => {
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
