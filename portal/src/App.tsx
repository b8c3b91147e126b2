// Routes: sign-in and its callback outside, every page of a signed-in partner inside the layout.
// Pages are loaded when first opened, so the first screen carries only its own code.
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { MantineProvider, Center, Loader } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import '@mantine/core/styles.css';
import { SessionProvider, useSessionState } from './auth/session';
import { Layout } from './ui/Layout';
import { SignIn } from './pages/SignIn';
import { Callback } from './pages/Callback';
import { cssVariables, theme } from './ui/theme';

const Catalog = lazy(() => import('./pages/Catalog'));
const Agreements = lazy(() => import('./pages/Agreements'));
const AgreementDetail = lazy(() => import('./pages/AgreementDetail'));
const Identifiers = lazy(() => import('./pages/Identifiers'));
const RegisterBatch = lazy(() => import('./pages/RegisterBatch'));
const Indices = lazy(() => import('./pages/Indices'));
const Operator = lazy(() => import('./pages/Operator'));

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 } },
});

function Waiting() {
  return (
    <Center h="50vh">
      <Loader aria-label="…" />
    </Center>
  );
}

function SignedIn({ children }: { children: ReactNode }) {
  const { session, ready } = useSessionState();
  const location = useLocation();
  if (!ready) return <Waiting />;
  if (!session) return <Navigate to="/signin" replace state={{ returnTo: `${location.pathname}${location.search}` }} />;
  return (
    <Layout>
      <Suspense fallback={<Waiting />}>{children}</Suspense>
    </Layout>
  );
}

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables}>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <BrowserRouter>
            <Routes>
              <Route path="/signin" element={<SignIn />} />
              <Route path="/callback" element={<Callback />} />
              <Route path="/catalog" element={<SignedIn><Catalog /></SignedIn>} />
              <Route path="/agreements" element={<SignedIn><Agreements /></SignedIn>} />
              <Route path="/agreements/:id" element={<SignedIn><AgreementDetail /></SignedIn>} />
              <Route path="/identifiers" element={<SignedIn><Identifiers /></SignedIn>} />
              <Route path="/identifiers/register" element={<SignedIn><RegisterBatch /></SignedIn>} />
              <Route path="/indices" element={<SignedIn><Indices /></SignedIn>} />
              <Route path="/operator" element={<SignedIn><Operator /></SignedIn>} />
              <Route path="*" element={<Navigate to="/catalog" replace />} />
            </Routes>
          </BrowserRouter>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
