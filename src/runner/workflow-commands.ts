import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { MIN_MASKABLE_LENGTH, secretForms } from '../secrets/redactor';

/**
 * The runner protocol the action speaks: INPUT_* / STATE_* variables, file commands (GITHUB_OUTPUT,
 * GITHUB_STATE, GITHUB_STEP_SUMMARY) and `::workflow commands::` on stdout. Written here rather than
 * taken from @actions/core, whose v3 entry loads an HTTP client (for OIDC) that cost about 30 ms of
 * the action's 40 ms start-up budget; the behaviour matches it and the runner-level tests hold it to that.
 */

export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

export function setOutput(name: string, value: string): void {
  writeKeyValue('GITHUB_OUTPUT', 'set-output', name, value);
}

export function saveState(name: string, value: string): void {
  writeKeyValue('GITHUB_STATE', 'save-state', name, value);
}

export function setSecret(value: string): void {
  issue('add-mask', {}, value);
}

/**
 * Registers every form of a secret the action can foresee (raw, each line, URL-encoded, base64, JSON-
 * escaped...): the runner masks only the exact strings it is given.
 */
export function maskSecret(value: string): void {
  for (const form of secretForms(value)) setSecret(form);
  if (value.length < MIN_MASKABLE_LENGTH) {
    warning(`A secret of ${value.length} character(s) is redacted from the summary, report and messages, but the runner cannot reliably hide so short a value in the log: use a longer one.`);
  }
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  issue('warning', annotation(properties), message);
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  issue('error', annotation(properties), message);
}

export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

export function startGroup(title: string): void {
  issue('group', {}, title);
}

export function endGroup(): void {
  issue('endgroup', {}, '');
}

/** Appends markdown to the job summary (no-op outside a runner). */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown + EOL);
}

function annotation(p: AnnotationProperties): Record<string, string | number | undefined> {
  return { title: p.title, file: p.file, line: p.startLine, col: p.startColumn };
}

function writeKeyValue(fileVariable: string, legacyCommand: string, name: string, value: string): void {
  const file = process.env[fileVariable];
  if (!file) {
    issue(legacyCommand, { name }, value);
    return;
  }
  // A delimiter found in neither name nor value, so no value can end the block early and inject other
  // keys. Checked rather than left to chance, which lets Math.random stand in for node:crypto (~2 ms
  // of start-up to load).
  let delimiter: string;
  do delimiter = `ghadelimiter_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  while (name.includes(delimiter) || value.includes(delimiter));
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`);
}

function issue(command: string, properties: Record<string, string | number | undefined>, message: string): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
