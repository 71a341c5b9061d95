import { Box, Button, Chip, Stack, Tab, Tabs, Tooltip, Typography } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import { API_BASE } from '../api/session';
import { useParams, useSearchParams } from 'react-router';
import { QueryState } from '../components/states';
import { EventsTab } from './business/events-tab';
import { RulesTab } from './business/rules-tab';
import { SchemaTab } from './business/schema-tab';
import { SilencesTab } from './business/silences-tab';
import { SourcesTab } from './business/sources-tab';
import { ViewsTab } from './business/views-tab';
import { useBusiness } from '../features/businesses/hooks';

const TABS = ['views', 'rules', 'events', 'schema', 'sources', 'silences'] as const;
type TabName = (typeof TABS)[number];

/** One business: its views, rules, latest events, schema, sources and silences (the tab is in the URL). */
export function BusinessDetailPage() {
  const { businessId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = (TABS.includes(params.get('tab') as TabName) ? params.get('tab') : 'views') as TabName;
  const business = useBusiness(businessId);
  return (
    <QueryState query={business}>
      {(b) => (
        <Stack spacing={2}>
          <Stack
            direction="row"
            spacing={{ xs: 1, sm: 2 }}
            useFlexGap
            sx={{ alignItems: 'baseline', flexWrap: 'wrap' }}
          >
            <Typography variant="h4" component="h1">
              {b.name}
            </Typography>
            <Chip label={b.id} size="small" />
            <Chip
              label={`schema v${b.schemaVersion}`}
              size="small"
              color="primary"
              variant="outlined"
              data-testid="schema-version"
            />
            {b.archivedAt && <Chip label="archived" size="small" color="warning" />}
            {b.provisioned && (
              <Tooltip
                title={'Managed by a provisioning folder: changes made here are overwritten when the api ' + 'restarts'}
              >
                <Chip label="provisioned" size="small" color="info" data-testid="provisioned" />
              </Tooltip>
            )}
            <Box sx={{ flexGrow: 1 }} />
            <Tooltip title="Download this business as code (rules, views, channels without secrets) for anom apply">
              <Button
                size="small"
                startIcon={<DownloadIcon />}
                href={`${API_BASE}/config/export?businessId=${encodeURIComponent(b.id)}&format=yaml`}
                download={`${b.id}.yaml`}
              >
                Export
              </Button>
            </Tooltip>
          </Stack>
          {b.description && <Typography color="text.secondary">{b.description}</Typography>}
          <Tabs
            value={tab}
            onChange={(_e, v) => setParams({ tab: v })}
            aria-label="business sections"
            variant="scrollable"
            scrollButtons="auto"
            allowScrollButtonsMobile
          >
            {TABS.map((t) => (
              <Tab key={t} value={t} label={t} />
            ))}
          </Tabs>
          <Box>
            {tab === 'views' && <ViewsTab business={b} />}
            {tab === 'rules' && <RulesTab business={b} />}
            {tab === 'events' && <EventsTab business={b} />}
            {tab === 'schema' && <SchemaTab business={b} />}
            {tab === 'sources' && <SourcesTab business={b} />}
            {tab === 'silences' && <SilencesTab business={b} />}
          </Box>
        </Stack>
      )}
    </QueryState>
  );
}
