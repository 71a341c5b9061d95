import { discordBody, emailMessage, noticeTitle, slackBody, webhookBody } from './notice';
import { sampleNotice as notice } from './notice.fixture';

describe('notice formatting', () => {
  it.each([
    [
      'opened',
      'high',
      '[HIGH] Alert opened in Health vitals: Hypoxia: 3 consecutive, spo2_percent avg 91 (user_id=u-1)',
    ],
    [
      'escalated',
      'critical',
      '[CRITICAL] Alert escalated to CRITICAL in Health vitals: Hypoxia: 3 consecutive, spo2_percent avg 91 ' +
        '(user_id=u-1)',
    ],
    [
      'resolved',
      'medium',
      '[MEDIUM] Alert resolved in Health vitals: Hypoxia: 3 consecutive, spo2_percent avg 91 (user_id=u-1)',
    ],
  ] as const)('titles a %s %s alert', (event, severity, title) => {
    expect(noticeTitle(notice({ event, alert: { ...notice().alert, severity } }))).toBe(title);
  });

  it('says who acknowledged or resolved, with the note, and links the alert when a URL is known', () => {
    const n = notice({
      event: 'resolved',
      actor: 'dr-lee',
      note: 'sensor loose',
      alertUrl: 'https://anom.example/alerts/a1',
    });
    expect(slackBody(n).attachments).toEqual([
      {
        color: '#ff5722',
        ts: 1767323045,
        text:
          'Status: open, 3 matches, event time 2026-01-02T03:00:00.000Z – 2026-01-02T03:02:00.000Z\nGroup: ' +
          'user_id=u-1\nBy dr-lee: sensor loose\nhttps://anom.example/alerts/a1',
      },
    ]);
    expect(emailMessage(n).text).toContain('By dr-lee: sensor loose');
  });

  it('keeps Discord within its embed limits and mentions nobody', () => {
    const long = notice({ alert: { ...notice().alert, summary: 'x'.repeat(5000) } });
    const body = discordBody(long) as {
      content: string;
      embeds: { title: string; description: string }[];
      allowed_mentions: unknown;
    };
    expect(body.content.length).toBeLessThanOrEqual(2000);
    expect(body.embeds[0].description.length).toBeLessThanOrEqual(4096);
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('gives webhooks a typed, stable document with ISO times', () => {
    expect(webhookBody(notice())).toEqual({
      type: 'alert.opened',
      timestamp: '2026-01-02T03:04:05.000Z',
      data: {
        business: { id: 'health-vitals', name: 'Health vitals' },
        alert: expect.objectContaining({
          id: 'a1',
          severity: 'high',
          startTime: '2026-01-02T03:00:00.000Z',
          url: null,
        }),
        actor: 'engine',
        note: null,
      },
    });
  });
});
