import { closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkModelBounds, MAX_GRAPH_NODES } from '../../../src/bench/models/onnx-bounds.js';
import { describeModelFile, MAX_MODEL_BYTES } from '../../../src/bench/models/onnx-proto.js';
import { UserError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/cli.js';
import { constantOutputsModel, writeModel } from '../../helpers/onnx-graphs.js';

/** A model file is bounded before protobufjs or onnxruntime take it whole: node count and external data. */

const dir = tempDir('capacity-plan-bounds-');

/** Protobuf wire format by hand: a length-delimited field. */
function field(id: number, body: Buffer): Buffer {
  const varint = (n: number) => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return Buffer.from(out);
  };
  return Buffer.concat([varint((id << 3) | 2), varint(body.length), body]);
}
const text = (s: string) => Buffer.from(s, 'utf8');

/** A GraphProto of `nodes` Identity nodes (12 bytes each). */
function graphOf(nodes: number): Buffer {
  const node = field(1, field(4, text('Identity')));
  return Buffer.concat(new Array<Buffer>(nodes).fill(node));
}
/** A ModelProto whose graph has `nodes` Identity nodes. */
const manyNodes = (nodes: number) => field(7, graphOf(nodes));

/** A graph field with one initializer whose data is in the file `location`. */
function externalInitializer(location: string): Buffer {
  const entry = Buffer.concat([field(1, text('location')), field(2, text(location))]);
  return field(7, field(5, Buffer.concat([field(8, text('w')), field(13, entry)])));
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return (err as UserError).message;
};

describe('node count', () => {
  test('a graph of 1,000,000 nodes (12 MB) is refused before any decoding', async () => {
    const path = join(dir, 'nodes.onnx');
    writeFileSync(path, manyNodes(1_000_000));
    expect(await refusal(describeModelFile(path))).toBe(`${path}: the graph has more than 200,000 nodes; refused before loading it`);
  });

  test('nodes in subgraphs count too; up to the bound passes', async () => {
    // An If node whose then_branch graph holds the bound's worth of nodes: one more than the bound in all.
    const nested = field(7, field(1, Buffer.concat([field(4, text('If')), field(5, field(6, graphOf(MAX_GRAPH_NODES)))])));
    expect(await refusal(checkModelBounds(nested, join(dir, 'if.onnx'), 'if.onnx', MAX_MODEL_BYTES))).toMatch(/more than 200,000 nodes/);
    await expect(
      checkModelBounds(manyNodes(MAX_GRAPH_NODES - 1), join(dir, 'ok.onnx'), 'ok.onnx', MAX_MODEL_BYTES),
    ).resolves.toBeUndefined();
  });
});

describe('external data', () => {
  const model = Buffer.from(constantOutputsModel({ shape: [1, 3, 8, 8] }, [{ name: 'y', dims: [1, 2], values: [0, 1] }]));

  test('a 4 GB sparse file beside the model counts against the 2 GiB limit', async () => {
    const big = openSync(join(dir, 'big.bin'), 'w');
    ftruncateSync(big, 4 * 2 ** 30);
    closeSync(big);
    const path = join(dir, 'sparse.onnx');
    writeFileSync(path, Buffer.concat([model, externalInitializer('big.bin')]));
    expect(await refusal(describeModelFile(path))).toBe(`${path}: with its external data the model is more than 2 GiB; refused`);
  });

  test('a small external file in the model folder passes; one outside it or missing is refused', async () => {
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(1024));
    const at = join(dir, 'm.onnx');
    await expect(
      checkModelBounds(Buffer.concat([model, externalInitializer('weights.bin')]), at, 'm.onnx', MAX_MODEL_BYTES),
    ).resolves.toBeUndefined();
    expect(
      await refusal(checkModelBounds(Buffer.concat([model, externalInitializer('../etc/passwd')]), at, 'm.onnx', MAX_MODEL_BYTES)),
    ).toBe("m.onnx: external data must be a file in the model's folder; refused");
    expect(
      await refusal(checkModelBounds(Buffer.concat([model, externalInitializer('absent.bin')]), at, 'm.onnx', MAX_MODEL_BYTES)),
    ).toMatch(/missing or not a regular file/);
  });

  test('a model without external data is unchanged', async () => {
    const path = writeModel(dir, 'plain.onnx', model);
    expect((await describeModelFile(path)).parameterCount).toBe(2);
  });
});
