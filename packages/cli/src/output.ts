// `-o text|json|yaml`, spelled the same on every command that prints a report.
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';

export const outputFormats = ['text', 'json', 'yaml'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function addOutputOption(command: Command, defaultFormat: OutputFormat = 'text'): Command {
  return command.addOption(
    new Option('-o, --output <format>', 'output format: text for people, json or yaml for scripts')
      .choices(outputFormats)
      .default(defaultFormat),
  );
}

/**
 * YAML that kubectl reads back as it was meant: written with the YAML 1.1 schema, so strings
 * such as `yes`, `on` or `12:30` (booleans and numbers to kubectl's YAML 1.1 parser) are quoted.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

/** JSON (two-space indent, trailing newline) or YAML of a plain value. */
export function formatStructured(value: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  return toYaml(value);
}

/** Writes to stdout; text is printed as is, the other formats from `value`. */
export function printReport(format: OutputFormat, value: unknown, text: () => string): void {
  process.stdout.write(format === 'text' ? text() : formatStructured(value, format));
}
