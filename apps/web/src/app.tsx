import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { setUnauthorizedHandler } from './api/client';
import { ProblemError } from './api/problem';
import { Loading } from './components/states';
import { sessionKeys } from './features/session/keys';
import { useSession } from './features/session/hooks';
import { AuditPage } from './pages/audit-page';
import { AccessPage } from './pages/access-page';
import { AppLayout } from './components/app-layout';
import { ConfirmProvider } from './components/confirm-dialog';
import { NotifierProvider } from './components/notifier';
import { AlertDetailPage } from './pages/alert-detail-page';
import { AlertsPage } from './pages/alerts-page';
import { BusinessCreatePage } from './pages/business-create-page';
import { BusinessDetailPage } from './pages/business-detail-page';
import { BusinessesPage } from './pages/businesses-page';
import { DashboardPage } from './pages/dashboard-page';
import { RuleEditorPage } from './pages/rule-editor-page';
import { SignInPage } from './pages/sign-in-page';
import { SuggestionsPage } from './pages/suggestions-page';
import { AppThemeProvider } from './theme';

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
