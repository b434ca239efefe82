/**
 * The forms a secret can leak in, written independently of the code under test: raw, each line,
 * URL-encoded (component and form), base64, JSON-, HTML- and markdown-escaped.
 */
export function encodings(secret: string): string[] {
  const pieces = [secret, ...secret.split('\n')].filter(Boolean);
  return [
    ...new Set(
      pieces.flatMap((piece) => [
        piece,
        encodeURIComponent(piece),
        encodeURIComponent(piece).replace(/%20/g, '+'),
        Buffer.from(piece).toString('base64'),
        JSON.stringify(piece).slice(1, -1),
        piece.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
        piece.replace(/[\\`*_~[\]|<>&]/g, (c) => `\\${c}`),
      ]),
    ),
  ];
}

/** Where each form of each secret shows up across the channels: `channel: form` per hit. Zero-width spaces are dropped first. */
export function scan(channels: Record<string, string>, secrets: readonly string[]): string[] {
  const forms = [...new Set(secrets.flatMap(encodings))];
  return Object.entries(channels).flatMap(([channel, text]) => {
    const plain = text.replace(/\u200B/g, '');
    return forms.filter((form) => plain.includes(form)).map((form) => `${channel}: ${JSON.stringify(form)}`);
  });
}
