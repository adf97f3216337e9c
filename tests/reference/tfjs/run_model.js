// SPDX-License-Identifier: GPL-3.0-or-later
// Runs an upscalerjs ESRGAN layers-model in TensorFlow.js' pure-JavaScript CPU backend, as the
// original package does (custom layers registered as in its esrgan.js: MultiplyBeta multiplies
// by 0.2, PixelShuffle<r>x is tf.depthToSpace(x, r, 'NHWC')). No tfjs-node: the model is read
// with fs and handed to tf.loadLayersModel through tf.io.fromMemory.
//
// Usage: node run_model.js MODEL_DIR INPUT.raw H W OUTPUT.raw [--scale N] [--range 255|1] [--time]
//   INPUT.raw: float32 little-endian H x W x 3 (HWC, RGB), already in the model's input range.
//   OUTPUT.raw: float32 little-endian (H*N) x (W*N) x 3, unrounded and unclamped.
//   --scale N: the expected scale; checked against config.json and against the output's shape.
//   --range R: the range the input is in (255 or 1); checked against config.json's input_range.
//     Without them the values in MODEL_DIR/config.json (written by scripts/fetch-models.sh) are
//     used for the checks when it exists.
//   --time: prints {"seconds": s, "backend": name} on stdout for predict() (and reading the
//     result back) after a warm-up predict() on an 8 x 8 input.
// TensorFlow.js comes from tests/reference/tfjs/node_modules (scripts/fetch-models.sh runs npm ci
// there) or from NODE_PATH. Exit codes: 0 done, 1 TensorFlow.js failed, 2 bad arguments or input,
// 3 TensorFlow.js is not installed.
'use strict';
const fs = require('fs');
const path = require('path');

let tf;
try {
    tf = require('@tensorflow/tfjs');
} catch (e) {
    console.error('TensorFlow.js is not installed: run scripts/fetch-models.sh (it runs npm ci in tests/reference/tfjs)');
    process.exit(3);
}
// Production mode only silences TensorFlow.js' console messages (the "install tfjs-node" banner).
tf.enableProdMode();

function fail(message) {
    console.error(`run_model.js: ${message}`);
    process.exit(2);
}

// The custom layers of upscalerjs' "rrdn" models (esrgan-thick), as its esrgan.js defines them.
// Unlike esrgan.js we pass the layer config on (so layers keep their saved names) and report the
// real output shape of PixelShuffle; neither changes a number.
const getInput = (inputs) => (Array.isArray(inputs) ? inputs[0] : inputs);
class MultiplyBeta extends tf.layers.Layer {
    constructor(config) { super(config || {}); this.beta = 0.2; }
    call(inputs) { return tf.mul(getInput(inputs), this.beta); }
    static get className() { return 'MultiplyBeta'; }
}
tf.serialization.registerClass(MultiplyBeta);
for (const scale of [2, 3, 4, 8]) {
    class PixelShuffle extends tf.layers.Layer {
        constructor(config) { super(config || {}); this.scale = scale; }
        computeOutputShape(s) {
            const up = (d) => (d === null ? null : d * scale);
            return [s[0], up(s[1]), up(s[2]), s[3] === null ? null : s[3] / (scale * scale)];
        }
        call(inputs) { return tf.depthToSpace(getInput(inputs), this.scale, 'NHWC'); }
        static get className() { return `PixelShuffle${scale}x`; }
    }
    tf.serialization.registerClass(PixelShuffle);
}

function parseArgs(argv) {
    const positional = [];
    const opts = { time: false, scale: null, range: null };
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        if (a === '--time') opts.time = true;
        else if (a === '--scale' || a === '--range') {
            if (i + 1 >= argv.length) fail(`${a} needs a value`);
            const v = Number(argv[++i]);
            if (a === '--scale' && ![2, 3, 4, 8].includes(v)) fail(`--scale must be 2, 3, 4 or 8, not ${argv[i]}`);
            if (a === '--range' && v !== 255 && v !== 1) fail(`--range must be 255 or 1, not ${argv[i]}`);
            opts[a.slice(2)] = v;
        } else if (a.startsWith('--')) fail(`unknown option ${a}`);
        else positional.push(a);
    }
    if (positional.length !== 5) {
        fail('usage: node run_model.js MODEL_DIR INPUT.raw H W OUTPUT.raw [--scale N] [--range 255|1] [--time]');
    }
    const [dir, input, hText, wText, output] = positional;
    const h = Number(hText), w = Number(wText);
    if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) fail(`bad size ${hText} x ${wText}`);
    return { dir, input, h, w, output, ...opts };
}

function readModel(dir) {
    const file = path.join(dir, 'model.json');
    if (!fs.existsSync(file)) fail(`${file} does not exist (run scripts/fetch-models.sh)`);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (json.format !== 'layers-model' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
        fail(`${file} is not a TensorFlow.js layers-model`);
    }
    const weightSpecs = [];
    const buffers = [];
    for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
    }
    const all = Buffer.concat(buffers);
    const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
    return tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData, format: json.format });
}

function readConfig(dir) {
    const file = path.join(dir, 'config.json');
    if (!fs.existsSync(file)) return {};
    return JSON.parse(fs.readFileSync(file, 'utf8')).architecture || {};
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const arch = readConfig(args.dir);
    const scale = args.scale !== null ? args.scale : arch.scale || null;
    if (args.scale !== null && arch.scale !== undefined && arch.scale !== args.scale) {
        fail(`--scale ${args.scale}, but ${args.dir}/config.json says ${arch.scale}`);
    }
    if (args.range !== null && Array.isArray(arch.input_range) && arch.input_range[1] !== args.range) {
        fail(`--range ${args.range}, but the model reads [${arch.input_range}] (config.json)`);
    }

    await tf.setBackend('cpu');
    await tf.ready();
    const model = await tf.loadLayersModel(readModel(args.dir));

    const raw = fs.readFileSync(args.input);
    if (raw.byteLength !== args.h * args.w * 3 * 4) {
        fail(`${args.input} has ${raw.byteLength} bytes, expected ${args.h * args.w * 3 * 4} (float32 ${args.h} x ${args.w} x 3)`);
    }
    const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const x = tf.tensor4d(data, [1, args.h, args.w, 3]);

    if (args.time) tf.tidy(() => { model.predict(tf.zeros([1, 8, 8, 3])).dataSync(); });
    const t0 = process.hrtime.bigint();
    const y = model.predict(x);
    const out = await y.data();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

    if (y.shape.length !== 4 || y.shape[0] !== 1 || y.shape[3] !== 3) {
        console.error(`run_model.js: unexpected output shape [${y.shape}]`);
        process.exit(1);
    }
    if (scale && (y.shape[1] !== args.h * scale || y.shape[2] !== args.w * scale)) {
        console.error(`run_model.js: output is ${y.shape[1]} x ${y.shape[2]}, expected ${scale}x of ${args.h} x ${args.w}`);
        process.exit(1);
    }
    fs.writeFileSync(args.output, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    if (args.time) console.log(JSON.stringify({ seconds, backend: tf.getBackend() }));
}

main().catch((e) => { console.error(String((e && e.stack) || e)); process.exit(1); });
