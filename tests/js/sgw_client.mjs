// The AWS SDK for JavaScript v3 against a running `sgw-conformance serve`.
// Usage: node sgw_client.mjs URL REGION VOLUME_ARN  (credentials from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY). Prints one JSON object: what each call gave (tests/test_real_clients.py).
import {
  StorageGatewayClient, ListVolumesCommand, CreateSnapshotCommand,
} from "@aws-sdk/client-storage-gateway";

const [url, region, volumeArn] = process.argv.slice(2);
const credentials = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
};
const client = (secret) => new StorageGatewayClient({
  endpoint: url, region, maxAttempts: 3,   // retries allowed: a client error must not use them
  credentials: secret ? { ...credentials, secretAccessKey: secret } : credentials,
});

async function outcome(call) {
  try {
    const answer = await call();
    return { ok: true, answer, attempts: answer.$metadata.attempts };
  } catch (err) {
    return {
      ok: false, name: err.name, errorCode: err.error?.errorCode ?? null, status: err.$metadata?.httpStatusCode,
      attempts: err.$metadata?.attempts, fault: err.$fault, message: err.message,
    };
  }
}

const unknown = volumeArn.replace(/vol-[0-9A-Za-z]+$/, "vol-00000000");
const results = {
  list: await outcome(() => client().send(new ListVolumesCommand({}))),
  snapshot: await outcome(() => client().send(
    new CreateSnapshotCommand({ VolumeARN: volumeArn, SnapshotDescription: "from the JavaScript SDK" }))),
  validation: await outcome(() => client().send(
    new CreateSnapshotCommand({ VolumeARN: volumeArn, SnapshotDescription: "d".repeat(256) }))),
  unknownVolume: await outcome(() => client().send(
    new CreateSnapshotCommand({ VolumeARN: unknown, SnapshotDescription: "unknown" }))),
  wrongSecret: await outcome(() => client("not-the-secret").send(new ListVolumesCommand({}))),
};
process.stdout.write(JSON.stringify(results) + "\n");
