import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { parse } from 'yaml';

/** The parsed OpenAPI document, with the reference handling the examples and the response validator share. */

export type Obj = Record<string, any>;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export const JSON_MEDIA = 'application/json';

export class OpenApiDocument {
  private readonly derefCache = new Map<Obj, Obj>();

  constructor(
    readonly doc: Obj,
    readonly file: string,
  ) {}

  static load(file: string): OpenApiDocument {
    return new OpenApiDocument(parse(readFileSync(file, 'utf8')), file);
  }

  get paths(): Record<string, Obj> {
    return this.doc.paths ?? {};
  }

  /** The object a local JSON pointer (`#/components/...`) names. */
  pointer(ref: string): Obj {
    if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
    const target = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<Obj | undefined>((node, part) => node?.[part], this.doc);
    if (target === undefined) throw new Error(`dangling reference ${ref}`);
    return target;
  }

  /** Follows a chain of `$ref`s to the object it names. */
  resolve(value: Obj): Obj {
    let current = value;
    const seen = new Set<string>();
    while (current && typeof current.$ref === 'string') {
      if (seen.has(current.$ref)) throw new Error(`circular reference ${current.$ref}`);
      seen.add(current.$ref);
      current = this.pointer(current.$ref);
    }
    return current;
  }

  /**
   * A schema with every `$ref` inlined, so that it compiles on its own. A reference back into
   * a schema being inlined (ErrorCause contains ErrorCause) becomes a reference into `$defs`,
   * which holds the dereferenced target.
   */
  dereference(schema: Obj): Obj {
    const cached = this.derefCache.get(schema);
    if (cached) return cached;
    const defs: Obj = {};
    const defName = (ref: string) => ref.replace(/^#\//, '').replace(/\//g, '_');
    const walk = (node: unknown, stack: string[]): unknown => {
      if (Array.isArray(node)) return node.map((item) => walk(item, stack));
      if (node === null || typeof node !== 'object') return node;
      const obj = node as Obj;
      if (typeof obj.$ref === 'string') {
        const ref: string = obj.$ref;
        if (stack.includes(ref)) {
          const name = defName(ref);
          if (!(name in defs)) {
            defs[name] = {};
            defs[name] = walk(this.pointer(ref), [ref]);
          }
          return { $ref: `#/$defs/${name}` };
        }
        const { $ref: _ref, ...siblings } = obj;
        const target = walk(this.pointer(ref), [...stack, ref]) as Obj;
        return Object.keys(siblings).length === 0 ? target : { allOf: [target, walk(siblings, stack)] };
      }
      return Object.fromEntries(Object.entries(obj).map(([key, value]) => [key, walk(value, stack)]));
    };
    const root = walk(schema, []) as Obj;
    const result = Object.keys(defs).length === 0 ? root : { ...root, $defs: defs };
    this.derefCache.set(schema, result);
    return result;
  }
}

/** Compiles the document's schemas once each and validates values against them. */
export class SchemaValidators {
  readonly ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, validateFormats: false });
  private readonly compiled = new Map<Obj, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {}

  validatorFor(schema: Obj): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(this.document.dereference(schema));
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  /** The problems of `value`, one readable line each; none when it conforms. */
  validate(schema: Obj, value: unknown, name = 'body'): string[] {
    const validate = this.validatorFor(schema);
    return validate(value) ? [] : describeSchemaErrors(validate.errors ?? [], name);
  }
}

/** Ajv's errors as sentences, without the noise of the alternatives of `oneOf`/`anyOf`. */
export function describeSchemaErrors(errors: readonly ErrorObject[], name: string): string[] {
  const lines = errors.map((error) => {
    const where = `${name}${error.instancePath}`;
    switch (error.keyword) {
      case 'additionalProperties':
        return `${where} has the unexpected property [${error.params.additionalProperty}]`;
      case 'required':
        return `${where} lacks the required property [${error.params.missingProperty}]`;
      case 'enum':
        return `${where} must be one of ${JSON.stringify(error.params.allowedValues)}`;
      case 'const':
        return `${where} must be ${JSON.stringify(error.params.allowedValue)}`;
      default:
        return `${where} ${error.message}`;
    }
  });
  return [...new Set(lines)];
}
