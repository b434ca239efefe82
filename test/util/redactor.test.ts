import { describe, expect, it } from 'vitest';
import { encodings } from '../support/secret-scan';
import { basicCredentials, createRedactor, redactValues, secretForms, urlSecretParts } from '../../src/util/redactor';

const password = 'p@ss/<w&rd>|"q\\ ü';

describe('createRedactor', () => {
  it('redacts every encoded form of a secret', () => {
    const redact = createRedactor([password]);
    const forms = encodings(password);
    expect(forms.length).toBeGreaterThanOrEqual(7);
    for (const form of forms) expect(redact(`before ${form} after`)).toBe('before *** after');
  });

  it('redacts each line of a multi-line secret, secrets of any length, and a secret inside another whole', () => {
    const redact = createRedactor(['line-one\nline-two', 'ab', 'outer-ab-outer']);
    expect(redact('x line-two y')).toBe('x *** y');
    expect(redact('cab')).toBe('c***');
    expect(redact('[outer-ab-outer]')).toBe('[***]');
  });

  it('leaves text alone without secrets and redacts string values only, keys kept', () => {
    expect(createRedactor([undefined, ''])('plain')).toBe('plain');
    const redact = createRedactor(['s3cr3t']);
    expect(redactValues({ s3cr3t: ['a s3cr3t', 3, { deep: 's3cr3t' }] }, redact)).toEqual({ s3cr3t: ['a ***', 3, { deep: '***' }] });
  });
});

describe('secret parts', () => {
  it('takes the credentials out of a URL and the secret path of a webhook', () => {
    expect(urlSecretParts('https://bob:p%40ss@prom.example/api')).toEqual(['bob', 'p@ss']);
    expect(urlSecretParts('https://hooks.slack.com/services/T0/B0/XyZ', { path: true })).toEqual(
      expect.arrayContaining(['/services/T0/B0/XyZ', 'XyZ']),
    );
    expect(urlSecretParts('not a url')).toEqual([]);
  });

  it('includes the base64 Basic pair the action builds', () => {
    expect(basicCredentials('u', 'p')).toEqual(['u:p', Buffer.from('u:p').toString('base64')]);
    expect(secretForms('u:p')).toContain('dTpw');
  });
});
