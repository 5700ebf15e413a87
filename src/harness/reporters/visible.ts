/**
 * Issue 11 #15: text a target chose (messages, expected/actual, ids it named) is printed on a terminal, where
 * escape sequences would act instead of showing: ESC[2J clears the screen, OSC 0 retitles the window, OSC 8
 * plants a link, \r and backspace overwrite a verdict, bidi overrides reorder it. Every such character is
 * rendered as a visible stand-in instead; newlines and tabs stay (the reporter lays text out with them).
 */

/** C0 controls as their Control Pictures (U+2400 block): ESC → ␛, CR → ␍, BS → ␈; DEL → ␡. */
function controlPicture(c: string): string {
  const code = c.charCodeAt(0);
  return code === 0x7f ? '\u2421' : String.fromCharCode(0x2400 + code);
}

/**
 * C0 (but \n, \t), DEL, C1 (U+0080–U+009F: 0x9B is a one-byte CSI on some terminals), bidi embeddings,
 * overrides and isolates (U+202A–202E, U+2066–2069), marks (U+200E, U+200F, U+061C), line/paragraph
 * separators (U+2028, U+2029) and the BOM / zero-width no-break space (U+FEFF).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

export function visible(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return controlPicture(c);
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

/** For one-line contexts (a progress line, a bar): newlines and tabs shown too. */
export function visibleLine(text: string): string {
  return visible(text).replace(/\n/g, '\u2424').replace(/\t/g, '\u2409');
}
