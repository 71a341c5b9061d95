import { useParams } from 'react-router';
import { Loading, QueryState } from '../components/states';
import { useRule } from '../features/rules/hooks';
import { RuleEditor } from '../features/rules/rule-editor';
import { useBusiness } from '../features/businesses/hooks';

/** New rule (`/businesses/:businessId/rules/new`) or a new version of one (`/rules/:ruleId/edit`). */
export function RuleEditorPage() {
  const { businessId: newFor, ruleId } = useParams();
  const rule = useRule(ruleId);
  const businessId = newFor ?? rule.data?.businessId;
  const business = useBusiness(businessId);
  if (ruleId && rule.isPending) return <Loading />;
  return <QueryState query={business}>{(b) => <RuleEditor business={b} rule={rule.data ?? null} />}</QueryState>;
}
