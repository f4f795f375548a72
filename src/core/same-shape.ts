/**
 * A compile-time proof that two types have the same shape: the same keys at every depth, each
 * optional or required alike, and the same types. The readers of saved results (report/saved.ts)
 * are zod schemas written beside the result types their layers produce; checking
 * `SameShape<z.output<typeof Schema>, Result>` makes the compiler refuse any drift between them,
 * a new optional field included (mutual assignability alone would let that one through).
 *
 * Intersections and interfaces are flattened first (`Flat`), so `Plan & { … }` compares with the
 * one object zod infers. Tuples compare as arrays of their element types.
 */
type Flat<T> = T extends readonly (infer U)[] ? Flat<U>[] : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;

/** TypeScript's own identity test (two generic functions are assignable only for identical types). */
type Identical<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

export type SameShape<A, B> = Identical<Flat<A>, Flat<B>>;

// The proof fails where it must: each line stops compiling if SameShape stops telling these apart.
const newOptionalField: SameShape<{ a: number }, { a: number; b?: string }> = false;
const optionalVersusRequired: SameShape<{ a?: number }, { a: number }> = false;
const nestedType: SameShape<{ a: { b: number }[] }, { a: { b: string }[] }> = false;
const flattened: SameShape<{ a: number } & { b: string | null }, { a: number; b: string | null }> = true;
export const SAME_SHAPE_SELF_CHECK = [newOptionalField, optionalVersusRequired, nestedType, flattened];
