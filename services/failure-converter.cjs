// The failure converter of the engine's data converter (services/payload-codec.ts), as a file because the
// SDK loads it by path: into the workflow bundle, and with require() in workers and clients. It moves a
// failure's message and stack trace into an encoded attribute, which the payload codec then encrypts.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
