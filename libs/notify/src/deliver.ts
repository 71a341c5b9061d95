import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { Agent, fetch } from 'undici';
import { Webhook } from 'standardwebhooks';
import { OutboundPolicy, OutboundRefused } from './outbound';
import { discordBody, emailMessage, slackBody, webhookBody, type ChannelTarget, type Notice } from './notice';

export interface DeliveryOptions {
  /** Time limit of the attempt (ms). */
  timeoutMs: number;
  /** SMTP server for email channels (`smtp://user:pass@host:587`, `smtps://…`) and the sender address. */
  smtp?: { url: string; from: string };
  /** `User-Agent` of HTTP deliveries. */
  userAgent?: string;
  /** Which addresses HTTP deliveries may reach (checked on the URL and again on connect); none: no check. */
  policy?: OutboundPolicy;
}

const agents = new WeakMap<OutboundPolicy, Agent>();

/** The HTTP agent that connects only where `policy` allows (its DNS lookup refuses private addresses). */
function agentFor(policy: OutboundPolicy): Agent {
  let agent = agents.get(policy);
  if (!agent) {
    agent = new Agent({ connect: { lookup: policy.lookup } });
    agents.set(policy, agent);
  }
  return agent;
}

/** The outcome of one delivery attempt. */
export interface AttemptResult {
  ok: boolean;
  /** HTTP status or SMTP reply code; null when nothing answered. */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /**
   * Whether another attempt may succeed: network errors, time-outs, HTTP 408,
   * 429 and 5xx, SMTP 4xx replies. Other HTTP 4xx (a revoked Slack hook, a
   * bad URL) and SMTP 5xx replies are permanent.
   */
  retryable: boolean;
}

/** A new Standard Webhooks signing secret: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Delivers one notice to one channel, once. Never throws: failures come back
 * as `{ ok: false, error, retryable }` for the caller to log and retry.
 *
 * Generic webhooks are signed per Standard Webhooks (`webhook-id` = the
 * notification id, `webhook-timestamp` in seconds, `webhook-signature` =
 * `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with the channel's
 * secret), so receivers can verify the body and deduplicate redeliveries.
 */
export async function deliver(notice: Notice, target: ChannelTarget, opts: DeliveryOptions): Promise<AttemptResult> {
  const started = performance.now();
  const done = (r: Omit<AttemptResult, 'durationMs'>): AttemptResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  });
  try {
    if (target.kind === 'email') return done(await sendEmail(notice, target, opts));
    const url = target.config.url;
    if (!url) return done({ ok: false, statusCode: null, error: 'channel has no url', retryable: false });
    if (opts.policy) await opts.policy.checkUrl(url);
    const body = JSON.stringify(
      target.kind === 'slack'
        ? slackBody(notice)
        : target.kind === 'discord'
          ? discordBody(notice)
          : webhookBody(notice),
    );
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': opts.userAgent ?? 'anom-notify',
    };
    if (target.kind === 'webhook') {
      headers['webhook-id'] = notice.notificationId;
      const now = new Date();
      headers['webhook-timestamp'] = String(Math.floor(now.getTime() / 1000));
      if (target.config.secret)
        headers['webhook-signature'] = new Webhook(target.config.secret).sign(notice.notificationId, now, body);
    }
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'error',
      dispatcher: opts.policy ? agentFor(opts.policy) : undefined,
    });
    // The receiver's body is drained but never kept: stored errors must not read back what an address answered.
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return done({ ok: true, statusCode: res.status, error: null, retryable: false });
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    return done({ ok: false, statusCode: res.status, error: `HTTP ${res.status}`, retryable });
  } catch (err) {
    const refused = err instanceof OutboundRefused ? err : (err as { cause?: unknown }).cause;
    if (refused instanceof OutboundRefused)
      return done({ ok: false, statusCode: null, error: refused.message, retryable: false });
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === 'TimeoutError'
        ? `no answer within ${opts.timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return done({ ok: false, statusCode: null, error: reason, retryable: true });
  }
}

const transports = new Map<string, Transporter>();

async function sendEmail(
  notice: Notice,
  target: ChannelTarget,
  opts: DeliveryOptions,
): Promise<Omit<AttemptResult, 'durationMs'>> {
  if (!opts.smtp)
    return { ok: false, statusCode: null, error: 'SMTP_URL is not configured on the worker', retryable: true };
  const to = target.config.to ?? [];
  if (to.length === 0) return { ok: false, statusCode: null, error: 'channel has no recipients', retryable: false };
  let transport = transports.get(opts.smtp.url);
  if (!transport) {
    transport = nodemailer.createTransport(opts.smtp.url, {
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
    });
    transports.set(opts.smtp.url, transport);
  }
  const { subject, text } = emailMessage(notice);
  try {
    await transport.sendMail({ from: opts.smtp.from, to, subject, text, messageId: `<${notice.notificationId}@anom>` });
    return { ok: true, statusCode: 250, error: null, retryable: false };
  } catch (err) {
    const e = err as Error & { responseCode?: number; code?: string };
    const code = e.responseCode ?? null;
    return { ok: false, statusCode: code, error: e.message.slice(0, 300), retryable: code === null || code < 500 };
  }
}
