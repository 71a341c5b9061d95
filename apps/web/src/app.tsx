import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { setUnauthorizedHandler } from './api/client';
import { ProblemError } from './api/problem';
import { Loading } from './components/states';
import { sessionKeys } from './features/session/keys';
import { useSession } from './features/session/hooks';
import { AppLayout } from './components/app-layout';
import { ConfirmProvider } from './components/confirm-dialog';
import { NotifierProvider } from './components/notifier';
import { SignInPage } from './pages/sign-in-page';
import { AppThemeProvider } from './theme';

/**
 * Each page is its own chunk, loaded when first visited (the sign-in page and the layout are in the entry
 * chunk): the first load fetches what the page it opens needs, not the whole app.
 */
const page = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));
const AuditPage = page(() => import('./pages/audit-page'), 'AuditPage');
const AccessPage = page(() => import('./pages/access-page'), 'AccessPage');
const AlertDetailPage = page(() => import('./pages/alert-detail-page'), 'AlertDetailPage');
const AlertsPage = page(() => import('./pages/alerts-page'), 'AlertsPage');
const BusinessCreatePage = page(() => import('./pages/business-create-page'), 'BusinessCreatePage');
const BusinessDetailPage = page(() => import('./pages/business-detail-page'), 'BusinessDetailPage');
const BusinessesPage = page(() => import('./pages/businesses-page'), 'BusinessesPage');
const DashboardPage = page(() => import('./pages/dashboard-page'), 'DashboardPage');
const RuleEditorPage = page(() => import('./pages/rule-editor-page'), 'RuleEditorPage');
const SuggestionsPage = page(() => import('./pages/suggestions-page'), 'SuggestionsPage');

/** Routes needing a session; without one, sign-in (coming back here after). */
function RequireAuth() {
  const location = useLocation();
  const session = useSession();
  if (session.isPending) return <Loading />;
  if (session.error instanceof ProblemError && session.error.status === 401)
    return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <AppLayout />;
}

/** A 401 on any other call means the session ended: forget it and land on sign-in. */
function UnauthorizedRedirect() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  useEffect(
    () =>
      setUnauthorizedHandler(() => {
        qc.removeQueries({ queryKey: sessionKeys.current });
        navigate('/sign-in?expired=1', { replace: true });
      }),
    [navigate, qc],
  );
  return null;
}

export function AppRoutes() {
  return (
    <>
      <UnauthorizedRedirect />
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route element={<RequireAuth />}>
            <Route index element={<DashboardPage />} />
            <Route path="businesses" element={<BusinessesPage />} />
            <Route path="businesses/new" element={<BusinessCreatePage />} />
            <Route path="businesses/:businessId" element={<BusinessDetailPage />} />
            <Route path="businesses/:businessId/rules/new" element={<RuleEditorPage />} />
            <Route path="rules/:ruleId/edit" element={<RuleEditorPage />} />
            <Route path="alerts" element={<AlertsPage />} />
            <Route path="alerts/:alertId" element={<AlertDetailPage />} />
            <Route path="suggestions" element={<SuggestionsPage />} />
            <Route path="access" element={<AccessPage />} />
            <Route path="audit" element={<AuditPage />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Route>
        </Routes>
      </Suspense>
    </>
  );
}

/** Providers shared by the app and its component tests. */
export function Providers({ children, client }: { children: React.ReactNode; client?: QueryClient }) {
  const [qc] = useState(
    () =>
      client ??
      new QueryClient({
        defaultOptions: {
          queries: { retry: (n, err) => n < 2 && (err as { status?: number }).status === undefined, staleTime: 5_000 },
        },
      }),
  );
  return (
    <QueryClientProvider client={qc}>
      <AppThemeProvider>
        <NotifierProvider>
          <ConfirmProvider>{children}</ConfirmProvider>
        </NotifierProvider>
      </AppThemeProvider>
    </QueryClientProvider>
  );
}

export function App() {
  return (
    <Providers>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Providers>
  );
}
