/**
 * A small expression language for metric conditions: `result < 0.02 && result >= 0`,
 * `abs(result - baseline) <= 0.1`. It is parsed into closures once and type-checked (numbers vs
 * true/false) when the spec loads, so a typo fails validation instead of a launch. There is no eval:
 * only the grammar below can run.
 *
 *   or      := and ('||' and)*
 *   and     := compare ('&&' compare)*
 *   compare := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/') unary)*
 *   unary   := ('-' | '!') unary | number | name | 'abs' '(' or ')' | '(' or ')'
 */

export const CONDITION_VARIABLES = ['result', 'baseline'] as const;
type Variable = (typeof CONDITION_VARIABLES)[number];
export type ConditionScope = Partial<Record<Variable, number>>;

type Value = number | boolean;
interface Node {
  type: 'number' | 'boolean';
  run(scope: ConditionScope): Value;
}

export interface Condition {
  readonly text: string;
  /** The variables it reads, so a metric can insist on a baseline when `baseline` is used. */
  readonly variables: ReadonlySet<Variable>;
  evaluate(scope: ConditionScope): boolean;
}

export class ConditionError extends Error {}

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|&&|\|\||[-+*/<>!()]))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) {
      if (!text.slice(at).trim()) break;
      throw new ConditionError(`condition ${JSON.stringify(text)}: unexpected ${JSON.stringify(text.slice(at).trim()[0])} at ${at + 1}`);
    }
    tokens.push(match[1] ?? match[2] ?? match[3]!);
  }
  return tokens;
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};
const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

class Parser {
  private at = 0;
  readonly variables = new Set<Variable>();

  constructor(
    private readonly tokens: string[],
    private readonly text: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.at < this.tokens.length) this.fail(`unexpected ${JSON.stringify(this.tokens[this.at])}`);
    if (node.type !== 'boolean') this.fail('must compare, e.g. "result < 0.02"');
    return node;
  }

  private fail(message: string): never {
    throw new ConditionError(`condition ${JSON.stringify(this.text)}: ${message}`);
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private expect(token: string): void {
    if (this.tokens[this.at] !== token)
      this.fail(`expected ${JSON.stringify(token)}${this.peek() ? ` before ${JSON.stringify(this.peek())}` : ' at the end'}`);
    this.at += 1;
  }

  private typed(node: Node, type: Node['type'], operator: string): Node {
    if (node.type !== type) this.fail(`'${operator}' needs ${type === 'number' ? 'numbers' : 'comparisons'} on both sides`);
    return node;
  }

  private logical(operator: '||' | '&&', next: () => Node): Node {
    let left = next();
    while (this.peek() === operator) {
      this.at += 1;
      const a = this.typed(left, 'boolean', operator);
      const b = this.typed(next(), 'boolean', operator);
      left =
        operator === '||'
          ? { type: 'boolean', run: (s) => a.run(s) || b.run(s) }
          : { type: 'boolean', run: (s) => (a.run(s) as boolean) && b.run(s) };
    }
    return left;
  }

  private or(): Node {
    return this.logical('||', () => this.and());
  }

  private and(): Node {
    return this.logical('&&', () => this.compare());
  }

  private compare(): Node {
    const left = this.sum();
    const operator = this.peek();
    const test = operator === undefined ? undefined : COMPARE[operator];
    if (!test) return left;
    this.at += 1;
    const a = this.typed(left, 'number', operator!);
    const b = this.typed(this.sum(), 'number', operator!);
    return { type: 'boolean', run: (s) => test(a.run(s) as number, b.run(s) as number) };
  }

  private arithmetic(operators: string, next: () => Node): Node {
    let left = next();
    for (let operator = this.peek(); operator && operators.includes(operator); operator = this.peek()) {
      this.at += 1;
      const apply = ARITHMETIC[operator]!;
      const a = this.typed(left, 'number', operator);
      const b = this.typed(next(), 'number', operator);
      left = { type: 'number', run: (s) => apply(a.run(s) as number, b.run(s) as number) };
    }
    return left;
  }

  private sum(): Node {
    return this.arithmetic('+-', () => this.product());
  }

  private product(): Node {
    return this.arithmetic('*/', () => this.unary());
  }

  private unary(): Node {
    const token = this.peek();
    if (token === undefined) this.fail('ends too early');
    this.at += 1;
    if (token === '-') {
      const operand = this.typed(this.unary(), 'number', '-');
      return { type: 'number', run: (s) => -(operand.run(s) as number) };
    }
    if (token === '!') {
      const operand = this.typed(this.unary(), 'boolean', '!');
      return { type: 'boolean', run: (s) => !operand.run(s) };
    }
    if (token === '(') {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (/^[\d.]/.test(token)) {
      const value = Number(token);
      return { type: 'number', run: () => value };
    }
    if (token === 'abs') {
      this.expect('(');
      const operand = this.typed(this.or(), 'number', 'abs');
      this.expect(')');
      return { type: 'number', run: (s) => Math.abs(operand.run(s) as number) };
    }
    if ((CONDITION_VARIABLES as readonly string[]).includes(token)) {
      const name = token as Variable;
      this.variables.add(name);
      return {
        type: 'number',
        run: (s) => {
          const value = s[name];
          if (value === undefined) throw new ConditionError(`condition ${JSON.stringify(this.text)}: no ${name} was measured`);
          return value;
        },
      };
    }
    return this.fail(`unknown name ${JSON.stringify(token)} (use ${CONDITION_VARIABLES.join(', ')}, numbers, abs())`);
  }
}

export function parseCondition(text: string): Condition {
  const parser = new Parser(tokenize(text), text);
  const root = parser.parse();
  return { text, variables: parser.variables, evaluate: (scope) => root.run(scope) as boolean };
}
