import { StateMachineDefinition } from './asl';
import { Validator } from '../../policy/validation';

/**
 * A placeholder in a definition: `${Name}`, the syntax CDK's `definitionSubstitutions` fill. Names are letters and
 * digits so that no other `${…}` text (there is none in the drills) can be mistaken for one.
 */
const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Characters a substituted value may not contain: quotes and backslashes would break the JSON text when CDK
 * substitutes without escaping, and `'`, `{`, `}` are reserved inside intrinsic-function literals where some
 * placeholders sit (e.g. `States.StringSplit('${Subnets}', ',')`).
 */
const FORBIDDEN_IN_VALUES = /["'\\{}\u0000-\u001f]/;

function definitionText(definition: StateMachineDefinition | string): string {
  return typeof definition === 'string' ? definition : JSON.stringify(definition);
}

/**
 * The placeholders (`${Name}`) a definition needs filled, sorted by name, each once.
 */
export function listPlaceholders(definition: StateMachineDefinition | string): string[] {
  const names = new Set<string>();
  for (const match of definitionText(definition).matchAll(PLACEHOLDER)) {
    names.add(match[1]);
  }
  return [...names].sort();
}

/**
 * Renders a definition as the JSON text Step Functions takes, with every placeholder replaced by its value.
 *
 * This is what a front end without `definitionSubstitutions` (Pulumi) uses; CDK passes the unrendered JSON to
 * `DefinitionBody.fromString` with the same substitutions.
 *
 * @param definition the definition, or its JSON text with placeholders
 * @param substitutions a value for every placeholder, by name
 * @throws PolicyValidationError naming every placeholder without a value, every substitution the definition does
 *   not use, and every value with a character that cannot be substituted safely
 */
export function renderDefinition(
  definition: StateMachineDefinition | string,
  substitutions: Readonly<Record<string, string>>,
): string {
  const text = definitionText(definition);
  const needed = listPlaceholders(text);
  const validator = new Validator();
  for (const name of needed) {
    if (substitutions[name] === undefined) {
      validator.report({ path: `substitutions.${name}`, value: undefined, allowed: `a value for the placeholder \${${name}} the definition uses` });
    }
  }
  for (const [name, value] of Object.entries(substitutions)) {
    if (!needed.includes(name)) {
      validator.report({ path: `substitutions.${name}`, value, allowed: `one of the definition's placeholders: ${needed.join(', ')}` });
    } else if (typeof value !== 'string' || FORBIDDEN_IN_VALUES.test(value)) {
      validator.report({ path: `substitutions.${name}`, value, allowed: 'a string without quotes, backslashes, braces or control characters' });
    }
  }
  validator.throwIfInvalid();
  return text.replace(PLACEHOLDER, (_match, name: string) => substitutions[name]);
}
