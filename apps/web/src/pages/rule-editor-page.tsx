import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, call } from '../api/client';
import type { Business } from '../api/models';
import { Loading, QueryState } from '../components/states';
import { useRule } from '../features/rules/hooks';
import { RuleEditor } from '../features/rules/rule-editor';
import { businessKeys } from '../features/businesses/keys';

/** New rule (`/businesses/:businessId/rules/new`) or a new version of one (`/rules/:ruleId/edit`). */
export function RuleEditorPage() {
  const { businessId: newFor, ruleId } = useParams();
  const rule = useRule(ruleId);
  const businessId = newFor ?? rule.data?.businessId;
  const business = useQuery({
    queryKey: businessKeys.detail(businessId),
    queryFn: () =>
      call<Business>(api.GET('/businesses/{businessId}', { params: { path: { businessId: businessId! } } })),
    enabled: !!businessId,
  });
  if (ruleId && rule.isPending) return <Loading />;
  return <QueryState query={business}>{(b) => <RuleEditor business={b} rule={rule.data ?? null} />}</QueryState>;
}
