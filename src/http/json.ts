/** JSON text parsed; undefined when it is not JSON (an error page, a plain-text answer, a cut-off body). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
