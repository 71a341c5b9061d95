import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { BacktestResult, Page, Rule, RuleBodyRequest } from '../../api/models';
import { useNotifier } from '../../components/notifier';
import { ruleKeys } from './keys';

/** The rules of a business (live ones), or nothing while `businessId` is unknown. */
export function useRules(businessId: string | undefined) {
  return useQuery({
    queryKey: ruleKeys.list(businessId),
    queryFn: () =>
      call<Page<Rule>>(api.GET('/businesses/{businessId}/rules', { params: { path: { businessId: businessId! } } })),
    enabled: !!businessId,
  });
}

/** One rule at its current version. */
export function useRule(ruleId: string | undefined) {
  return useQuery({
    queryKey: ruleKeys.detail(ruleId),
    queryFn: () => call<Rule>(api.GET('/rules/{ruleId}', { params: { path: { ruleId: ruleId! } } })),
    enabled: !!ruleId,
  });
}

/**
 * The api's check of a rule body against the business's schema (`body` as
 * JSON text, so that equal bodies share a result); an error is a
 * ProblemError naming each problem's pointer.
 */
export function useRuleValidation(businessId: string, body: string, enabled: boolean) {
  return useQuery({
    queryKey: ruleKeys.validation(businessId, body),
    queryFn: () =>
      call<unknown>(
        api.POST('/businesses/{businessId}/rules/validate', {
          params: { path: { businessId } },
          body: JSON.parse(body) as RuleBodyRequest,
        }),
      ),
    enabled,
    retry: false,
    staleTime: Infinity,
  });
}

/** Runs an unsaved rule over the last `days` days of recorded events. */
export function useRuleBacktest(businessId: string) {
  const notify = useNotifier();
  return useMutation({
    mutationFn: ({ rule, days }: { rule: RuleBodyRequest; days: number }) =>
      call<BacktestResult>(
        api.POST('/businesses/{businessId}/rules/backtest', {
          params: { path: { businessId } },
          body: { rule, from: new Date(Date.now() - days * 86_400_000).toISOString() },
        }),
      ),
    onError: notify.error,
  });
}

/** Creates a rule in the business, or writes a new version of `rule`; `onSaved` runs after the lists refresh. */
export function useSaveRule(businessId: string, rule: Rule | null, onSaved: (r: Rule) => void) {
  const qc = useQueryClient();
  const notify = useNotifier();
  return useMutation({
    mutationFn: (body: RuleBodyRequest) =>
      rule
        ? call<Rule>(api.PATCH('/rules/{ruleId}', { params: { path: { ruleId: rule.id } }, body }))
        : call<Rule>(api.POST('/businesses/{businessId}/rules', { params: { path: { businessId } }, body })),
    onSuccess: (r) => {
      notify.success(`Saved ${r.name} (v${r.version})`);
      void qc.invalidateQueries({ queryKey: ruleKeys.list(businessId) });
      void qc.invalidateQueries({ queryKey: ruleKeys.detail(r.id) });
      onSaved(r);
    },
    onError: notify.error,
  });
}

/** Deletes (soft) a rule; the business's list refreshes. */
export function useDeleteRule(businessId: string) {
  const qc = useQueryClient();
  const notify = useNotifier();
  return useMutation({
    mutationFn: (ruleId: string) => call<Rule>(api.DELETE('/rules/{ruleId}', { params: { path: { ruleId } } })),
    onSuccess: (r) => {
      notify.success(`Deleted ${r.name}`);
      void qc.invalidateQueries({ queryKey: ruleKeys.list(businessId) });
    },
    onError: notify.error,
  });
}

/** Enables a disabled rule or disables an enabled one (a new version); the business's list refreshes. */
export function useToggleRule(businessId: string) {
  const qc = useQueryClient();
  const notify = useNotifier();
  return useMutation({
    mutationFn: (r: Rule) =>
      call<Rule>(api.PATCH('/rules/{ruleId}', { params: { path: { ruleId: r.id } }, body: { enabled: !r.enabled } })),
    onSuccess: (r) => {
      notify.success(`${r.name} ${r.enabled ? 'enabled' : 'disabled'} (v${r.version})`);
      void qc.invalidateQueries({ queryKey: ruleKeys.list(businessId) });
    },
    onError: notify.error,
  });
}
