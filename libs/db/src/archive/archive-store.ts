import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** One stored archive file: its key under the store's location and its size in bytes. */
export interface ArchiveObject {
  key: string;
  bytes: number;
}

/**
 * Where archived events go before retention deletes them: a local directory
 * or an S3-compatible bucket. Keys are `/`-separated relative paths
 * (`<business>/<yyyy-mm-dd>/<name>.ndjson.gz`); `put` of an existing key
 * replaces it, so a write repeated after a crash is harmless.
 */
export interface ArchiveStore {
  /** `file:///dir` or `s3://bucket/prefix`: recorded with each file so a later move is visible. */
  readonly location: string;
  /** Streams `body` to `key` and resolves once it is durable (renamed into place / upload completed). */
  put(key: string, body: Readable): Promise<ArchiveObject>;
  /** The bytes of `key`; rejects when it does not exist. */
  get(key: string): Promise<Readable>;
  /** Keys under `prefix`, any order. */
  list(prefix: string): Promise<ArchiveObject[]>;
}

/** Settings of an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …). */
export interface S3Settings {
  /** Custom endpoint (`http://127.0.0.1:9000`); AWS when absent. */
  endpoint?: string;
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most self-hosted servers need. */
  forcePathStyle?: boolean;
  /** Credentials; the AWS SDK's default chain (environment, profile, instance role) when absent. */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * Opens the store an `ARCHIVE_URL` names: `file:///absolute/dir` (or a bare
 * absolute path) or `s3://bucket[/prefix]`. Throws on any other scheme.
 */
export function openArchiveStore(url: string, s3: S3Settings = {}): ArchiveStore {
  if (url.startsWith('/')) return new DirectoryArchiveStore(url);
  const u = new URL(url);
  if (u.protocol === 'file:') return new DirectoryArchiveStore(decodeURIComponent(u.pathname));
  if (u.protocol === 's3:') return new S3ArchiveStore(u.hostname, u.pathname.replace(/^\/+|\/+$/g, ''), s3);
  throw new Error(`archive location '${url}' must be file:///dir or s3://bucket/prefix`);
}

/** Checks a key is relative and stays inside the store (no `..`, no absolute path). */
function checkKey(key: string): string {
  const parts = key.split('/');
  if (!key || key.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new Error(`archive key '${key}' must be a relative path without '.' or '..' segments`);
  return key;
}

/**
 * Files under a local directory. A file is written to `<key>.partial` and
 * renamed into place after fsync-on-close, so a reader never sees half a file
 * and a crash leaves only a `.partial` that the next write replaces.
 */
export class DirectoryArchiveStore implements ArchiveStore {
  readonly location: string;

  constructor(private readonly dir: string) {
    if (!path.isAbsolute(dir)) throw new Error(`archive directory '${dir}' must be an absolute path`);
    this.location = `file://${dir}`;
  }

  async put(key: string, body: Readable): Promise<ArchiveObject> {
    const file = path.join(this.dir, checkKey(key));
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.partial`;
    try {
      await pipeline(body, createWriteStream(partial, { flush: true }));
      await rename(partial, file);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return { key, bytes: (await stat(file)).size };
  }

  async get(key: string): Promise<Readable> {
    const file = path.join(this.dir, checkKey(key));
    await stat(file);
    return createReadStream(file);
  }

  async list(prefix: string): Promise<ArchiveObject[]> {
    const out: ArchiveObject[] = [];
    const walk = async (rel: string): Promise<void> => {
      const entries = await readdir(path.join(this.dir, rel), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(key);
        else if (!e.name.endsWith('.partial') && key.startsWith(prefix))
          out.push({ key, bytes: (await stat(path.join(this.dir, key))).size });
      }
    };
    await walk('');
    return out;
  }
}

/**
 * Objects in an S3-compatible bucket under an optional prefix. Uploads are
 * multipart (`@aws-sdk/lib-storage`), so a file of any size streams without
 * being held in memory; an object appears only when the upload completes.
 */
export class S3ArchiveStore implements ArchiveStore {
  readonly location: string;
  private readonly client: S3Client;

  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    s3: S3Settings,
  ) {
    this.location = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
    this.client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region ?? 'us-east-1',
      forcePathStyle: s3.forcePathStyle ?? Boolean(s3.endpoint),
      credentials:
        s3.accessKeyId && s3.secretAccessKey
          ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
          : undefined,
      // Checksums only where the API requires them: self-hosted servers differ in which trailers they accept.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private objectKey(key: string): string {
    return this.prefix ? `${this.prefix}/${checkKey(key)}` : checkKey(key);
  }

  async put(key: string, body: Readable): Promise<ArchiveObject> {
    let bytes = 0;
    const counted = body.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      }),
    );
    body.on('error', (err) => counted.destroy(err));
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectKey(key), Body: counted, ContentType: 'application/gzip' },
    }).done();
    return { key, bytes };
  }

  async get(key: string): Promise<Readable> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    if (!(r.Body instanceof Readable)) throw new Error(`archive object '${key}' has no readable body`);
    const out = new PassThrough();
    r.Body.on('error', (err) => out.destroy(err)).pipe(out);
    return out;
  }

  async list(prefix: string): Promise<ArchiveObject[]> {
    const out: ArchiveObject[] = [];
    let token: string | undefined;
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix ? `${this.prefix}/${prefix}` : prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of r.Contents ?? []) if (o.Key) out.push({ key: o.Key.slice(strip), bytes: o.Size ?? 0 });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }
}
