/**
 * Every error message the shipped code (nodes/, credentials/) can show a user, read from the
 * source with the TypeScript parser — so a message added anywhere is found without anyone
 * listing it. A message is returned as a template: its fixed words, with `…` where the code
 * puts a value (`${callId}`, a server's text, a field name that is not a literal).
 *
 * Where a message is (its "sinks"):
 * - the 2nd argument of `new NodeOperationError(node, message)`;
 * - every object property named `message` (the options of `new NodeApiError`, a credential test
 *   rule, a credential test's result) — except in NodeApiError's 2nd argument, the cause;
 * - every value of an `ErrorMessages` map (a const annotated with that type, a `messages: {…}`
 *   property, `messages[code] = …` on such a const) — the titles the transport picks per code;
 * - every function parameter named `message` (e.g. the Trigger's `refuseDelivery` answer).
 * A sink that uses its function's parameters (`${field} (item …): ${problem}` in fieldError) is
 * expanded at every call of that function, one template per call, so a field and its problem
 * stay together. Locally declared consts and one-line functions returning a template
 * (`callNotFound(id)`) are followed; anything else computed at run time becomes `…`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export interface MessageTemplate {
	/** The message with `…` for every part the code fills in. */
	text: string;
	/** Where the message is written, `nodes/…/file.ts:line`. */
	at: string;
}

const VARIABLE = '…';
const MAX_VARIANTS = 400;

type Env = Map<string, string[]>;
type FunctionLike = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration;

interface CallSite {
	args: readonly ts.Expression[];
	node: ts.Node;
}

/** A message template and, when its sink was expanded at a call of its function, that call. */
interface Expansion {
	text: string;
	site?: ts.Node;
}

export function shippedSourceFiles(root: string): string[] {
	const walk = (dir: string): string[] =>
		fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) return walk(full);
			return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
		});
	return ['nodes', 'credentials'].flatMap((dir) => walk(path.join(root, dir))).sort();
}

/** Every message template in the given source (file name → text), deduplicated by text. */
export function errorMessagesIn(sources: Map<string, string>): MessageTemplate[] {
	const files = [...sources].map(([name, text]) => ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true));
	const reader = new SourceReader(files);
	const found = new Map<string, MessageTemplate>();
	for (const file of files) {
		for (const sink of reader.sinksIn(file)) {
			for (const { text, site } of reader.sinkExpansions(sink)) {
				const clean = normaliseTemplate(text);
				if (!hasWords(clean) || found.has(clean)) continue;
				const at = site ? `${place(site)} (message built at ${place(sink)})` : place(sink);
				found.set(clean, { text: clean, at });
			}
		}
	}
	return [...found.values()];
}

export function shippedErrorMessages(root: string): MessageTemplate[] {
	const sources = new Map(
		shippedSourceFiles(root).map((file) => [path.relative(root, file), fs.readFileSync(file, 'utf8')] as const),
	);
	return errorMessagesIn(sources);
}

function place(node: ts.Node): string {
	const file = node.getSourceFile();
	return `${file.fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

/** Whitespace collapsed, runs of variable parts merged, no trailing space. */
export function normaliseTemplate(text: string): string {
	return text
		.replace(/\s+/g, ' ')
		.replace(/…(\s*…)+/g, VARIABLE)
		.trim();
}

/** A message that is only a passed-through value (`String(error)`) has no words of its own. */
function hasWords(template: string): boolean {
	return /[A-Za-z]{2,}/.test(template.split(VARIABLE).join(' '));
}

class SourceReader {
	private readonly functions = new Map<string, FunctionLike[]>();
	private readonly calls = new Map<string, CallSite[]>();
	private readonly topLevelConsts = new Map<string, ts.Expression>();
	private readonly expanding = new Set<ts.Node>();

	constructor(private readonly files: ts.SourceFile[]) {
		for (const file of files) this.index(file);
	}

	private index(node: ts.Node): void {
		if (ts.isFunctionDeclaration(node) && node.name) this.add(this.functions, node.name.text, node);
		if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
			const init = node.initializer;
			if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) this.add(this.functions, node.name.text, init);
			if (ts.isSourceFile(node.parent.parent.parent)) this.topLevelConsts.set(node.name.text, init);
		}
		if (ts.isCallExpression(node)) {
			const callee = node.expression;
			if (ts.isIdentifier(callee)) this.add(this.calls, callee.text, { args: node.arguments, node });
			// fn.call(this, a, b): the arguments after `this`.
			if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'call' && ts.isIdentifier(callee.expression)) {
				this.add(this.calls, callee.expression.text, { args: node.arguments.slice(1), node });
			}
		}
		ts.forEachChild(node, (child) => this.index(child));
	}

	private add<T>(map: Map<string, T[]>, key: string, value: T): void {
		map.set(key, [...(map.get(key) ?? []), value]);
	}

	/** The expressions in `file` whose value is shown to the user as an error message. */
	sinksIn(file: ts.SourceFile): ts.Expression[] {
		const sinks: ts.Expression[] = [];
		const visit = (node: ts.Node): void => {
			if (ts.isNewExpression(node) && isNamed(node.expression, 'NodeOperationError') && node.arguments?.[1]) {
				sinks.push(node.arguments[1]);
			}
			if (ts.isPropertyAssignment(node) && propertyName(node) === 'message' && isMessageOfAnError(node.parent)) {
				sinks.push(node.initializer);
			}
			if (ts.isShorthandPropertyAssignment(node) && node.name.text === 'message' && isMessageOfAnError(node.parent)) {
				sinks.push(node.name);
			}
			if (ts.isVariableDeclaration(node) && isErrorMessagesType(node.type) && node.initializer) {
				sinks.push(...mapValues(node.initializer));
			}
			if (ts.isPropertyAssignment(node) && propertyName(node) === 'messages') {
				sinks.push(...mapValues(node.initializer));
			}
			if (
				ts.isBinaryExpression(node) &&
				node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
				ts.isElementAccessExpression(node.left) &&
				ts.isIdentifier(node.left.expression) &&
				isErrorMessagesType(this.localDeclaration(node.left.expression)?.type)
			) {
				sinks.push(node.right);
			}
			if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.name.text === 'message') {
				sinks.push(node.name);
			}
			ts.forEachChild(node, visit);
		};
		visit(file);
		return sinks;
	}

	/** The templates a sink can produce, each with the call it was expanded at (if any). */
	sinkExpansions(sink: ts.Expression): Expansion[] {
		const fn = enclosingFunction(sink);
		const params = fn ? parameterNames(fn) : [];
		const used = params.filter((name) => usesIdentifier(sink, name));
		const name = fn && functionName(fn);
		const sites = name && used.length > 0 ? (this.calls.get(name) ?? []) : [];
		if (sites.length === 0) return this.sinkTemplates(sink).map((text) => ({ text }));
		return sites.flatMap((site) => this.expandedAt(sink, params, used, site).map((text) => ({ text, site: site.node })));
	}

	private expandedAt(sink: ts.Expression, params: string[], used: string[], site: CallSite): string[] {
		if (this.expanding.has(sink)) return this.templates(sink, new Map());
		this.expanding.add(sink);
		try {
			const env: Env = new Map(
				used.map((param) => {
					const arg = site.args[params.indexOf(param)];
					return [param, arg ? this.sinkTemplates(arg) : [VARIABLE]];
				}),
			);
			return this.templates(sink, env);
		} finally {
			this.expanding.delete(sink);
		}
	}

	/** The templates a sink can produce: one per call of its function when it uses the function's parameters. */
	sinkTemplates(sink: ts.Expression): string[] {
		const fn = enclosingFunction(sink);
		const params = fn ? parameterNames(fn) : [];
		const used = params.filter((name) => usesIdentifier(sink, name));
		const name = fn && functionName(fn);
		const sites = name ? (this.calls.get(name) ?? []) : [];
		if (!fn || used.length === 0 || sites.length === 0 || this.expanding.has(sink)) {
			return this.templates(sink, new Map());
		}
		return unique(sites.flatMap((site) => this.expandedAt(sink, params, used, site)));
	}

	private templates(expr: ts.Expression, env: Env): string[] {
		if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
		if (ts.isTemplateExpression(expr)) {
			let parts = [expr.head.text];
			for (const span of expr.templateSpans) {
				parts = product(parts, this.templates(span.expression, env)).map((p) => p + span.literal.text);
			}
			return parts;
		}
		if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr)) {
			return this.templates(expr.expression, env);
		}
		if (ts.isConditionalExpression(expr)) {
			return unique([...this.templates(expr.whenTrue, env), ...this.templates(expr.whenFalse, env)]);
		}
		if (ts.isBinaryExpression(expr)) {
			const op = expr.operatorToken.kind;
			if (op === ts.SyntaxKind.PlusToken) return product(this.templates(expr.left, env), this.templates(expr.right, env));
			if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
				return unique([...this.templates(expr.left, env), ...this.templates(expr.right, env)]);
			}
		}
		if (ts.isIdentifier(expr)) {
			const bound = env.get(expr.text);
			if (bound) return bound;
			const declared = this.localDeclaration(expr)?.initializer ?? this.topLevelConsts.get(expr.text);
			if (declared && !this.expanding.has(declared) && !isFunctionLike(declared)) return this.followed(declared, env);
			return [VARIABLE];
		}
		if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression)) {
			const returned = this.singleReturn(expr.expression.text);
			if (returned && !this.expanding.has(returned.expr)) {
				const callEnv: Env = new Map(
					returned.params.map((param, index) => {
						const arg = expr.arguments[index];
						return [param, arg ? this.templates(arg, env) : [VARIABLE]];
					}),
				);
				return this.followed(returned.expr, callEnv);
			}
		}
		return [VARIABLE];
	}

	private followed(expr: ts.Expression, env: Env): string[] {
		this.expanding.add(expr);
		try {
			return this.templates(expr, env);
		} finally {
			this.expanding.delete(expr);
		}
	}

	/** A function whose body is one `return <expression>` (or an arrow with an expression body). */
	private singleReturn(name: string): { params: string[]; expr: ts.Expression } | undefined {
		const candidates = this.functions.get(name) ?? [];
		if (candidates.length !== 1) return undefined;
		const fn = candidates[0];
		const body = fn.body;
		if (!body) return undefined;
		if (!ts.isBlock(body)) return { params: parameterNames(fn), expr: body };
		const statements = body.statements;
		if (statements.length === 1 && ts.isReturnStatement(statements[0]) && statements[0].expression) {
			return { params: parameterNames(fn), expr: statements[0].expression };
		}
		return undefined;
	}

	/** The nearest `const x = …` / `let x: T` declaring this identifier in an enclosing block or file. */
	localDeclaration(id: ts.Identifier): ts.VariableDeclaration | undefined {
		for (let scope: ts.Node | undefined = id.parent; scope; scope = scope.parent) {
			if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
			for (const statement of scope.statements) {
				if (!ts.isVariableStatement(statement)) continue;
				const hit = statement.declarationList.declarations.find(
					(d) => ts.isIdentifier(d.name) && d.name.text === id.text,
				);
				if (hit) return hit;
			}
		}
		return undefined;
	}
}

function isNamed(expr: ts.Expression, name: string): boolean {
	return ts.isIdentifier(expr) && expr.text === name;
}

function propertyName(node: ts.PropertyAssignment): string | undefined {
	const name = node.name;
	return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/**
 * Not `new NodeApiError(node, { message: … })` (the cause HuskyVoice or the network gave, not the
 * title) and not a credential test's `{ status: 'OK', message }` (a success).
 */
function isMessageOfAnError(objectLiteral: ts.Node): boolean {
	if (!ts.isObjectLiteralExpression(objectLiteral)) return true;
	const parent = objectLiteral.parent;
	const isCause =
		parent !== undefined && ts.isNewExpression(parent) && isNamed(parent.expression, 'NodeApiError') && parent.arguments?.[1] === objectLiteral;
	const isSuccess = objectLiteral.properties.some(
		(p) => ts.isPropertyAssignment(p) && propertyName(p) === 'status' && ts.isStringLiteral(p.initializer) && p.initializer.text === 'OK',
	);
	return !isCause && !isSuccess;
}

function isErrorMessagesType(type: ts.TypeNode | undefined): boolean {
	return type !== undefined && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'ErrorMessages';
}

/** The values of an object literal (spreads are other maps, read where they are declared). */
function mapValues(expr: ts.Expression): ts.Expression[] {
	if (!ts.isObjectLiteralExpression(expr)) return [];
	return expr.properties.filter(ts.isPropertyAssignment).map((p) => p.initializer);
}

function isFunctionLike(node: ts.Node): node is FunctionLike {
	return ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node);
}

function enclosingFunction(node: ts.Node): FunctionLike | undefined {
	for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
		if (isFunctionLike(n)) return n;
	}
	return undefined;
}

function functionName(fn: FunctionLike): string | undefined {
	if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
	const parent = fn.parent;
	return ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : undefined;
}

function parameterNames(fn: FunctionLike): string[] {
	return fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
}

function usesIdentifier(node: ts.Node, name: string): boolean {
	if (ts.isIdentifier(node) && node.text === name) {
		const parent = node.parent;
		// `x.name` and `{ name: … }` mention the word, not the variable.
		if (parent && ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
		if (parent && ts.isPropertyAssignment(parent) && parent.name === node) return false;
		return true;
	}
	return ts.forEachChild(node, (child) => usesIdentifier(child, name) || undefined) ?? false;
}

function product(left: string[], right: string[]): string[] {
	const out = left.flatMap((l) => right.map((r) => l + r));
	return out.length > MAX_VARIANTS ? [VARIABLE] : unique(out);
}

function unique(values: string[]): string[] {
	return [...new Set(values)];
}
