/** A transcript as readable HTTP-ish text (JUnit system-out, console detail, HTML). Already redacted. */
import type { TranscriptEntry } from '../check.ts';

export function transcriptText(transcript: readonly TranscriptEntry[], bodyLimit = 4000): string {
  const clip = (s: string) => (s.length > bodyLimit ? `${s.slice(0, bodyLimit)}… (${s.length - bodyLimit} more characters)` : s);
  return transcript
    .map((t) => {
      const req = [`> ${t.request.method} ${t.request.url}`, ...Object.entries(t.request.headers).map(([k, v]) => `> ${k}: ${v}`)];
      if (t.request.body !== undefined) req.push('>', clip(t.request.body));
      const res =
        'error' in t.response
          ? [`< (no response: ${t.response.error})`]
          : [`< HTTP ${t.response.status}`, ...Object.entries(t.response.headers).map(([k, v]) => `< ${k}: ${v}`), ...(t.response.body !== undefined ? ['<', clip(t.response.body)] : [])];
      return [...req, ...res].join('\n');
    })
    .join('\n\n');
}
