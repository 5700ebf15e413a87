/**
 * Escaping for everything a report puts into HTML. A target controls its responses (and so the
 * transcript, messages and actual values): any of it may contain `<script>`, so nothing goes in raw.
 */

/** Text for an HTML element body or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON for a `<script type="application/json">` element: `<` becomes \u003c so no `</script>` or
 * `<!--` in the data can end the element; U+2028/U+2029 are escaped too so the text stays valid JS
 * should anyone paste it into a script.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
