import { bool, str } from 'envalid';
import { openArchiveStore, type ArchiveStore, type S3Settings } from './archive-store';

/** Archive settings read from the environment (api and worker read the same keys). */
export interface ArchiveConfig {
  /** `file:///dir` or `s3://bucket/prefix`. */
  url: string;
  s3: S3Settings;
}

/**
 * The envalid specs of the archive settings: `ARCHIVE_URL` (empty: archiving
 * not configured), `S3_ENDPOINT` (an S3-compatible server; AWS when empty),
 * `S3_REGION`, `S3_FORCE_PATH_STYLE`. Credentials come from the AWS SDK's
 * default chain (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, a profile or an
 * instance role).
 */
export const ARCHIVE_ENV = {
  ARCHIVE_URL: str({ default: '' }),
  S3_ENDPOINT: str({ default: '' }),
  S3_REGION: str({ default: 'us-east-1' }),
  S3_FORCE_PATH_STYLE: bool({ default: true }),
};

/** Builds the ArchiveConfig from cleaned environment values; null when ARCHIVE_URL is empty. Throws on a bad URL. */
export function archiveConfig(e: {
  ARCHIVE_URL: string;
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_FORCE_PATH_STYLE: boolean;
}): ArchiveConfig | null {
  if (!e.ARCHIVE_URL) return null;
  const config = {
    url: e.ARCHIVE_URL,
    s3: { endpoint: e.S3_ENDPOINT || undefined, region: e.S3_REGION, forcePathStyle: e.S3_FORCE_PATH_STYLE },
  };
  openArchiveStore(config.url, config.s3); // validates the URL now rather than at the first retention run
  return config;
}

/** The store an ArchiveConfig names, or null. */
export function archiveStoreOf(config: ArchiveConfig | null): ArchiveStore | null {
  return config ? openArchiveStore(config.url, config.s3) : null;
}
