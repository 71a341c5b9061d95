import {
  AppBar,
  Badge,
  Box,
  Button,
  Container,
  Drawer,
  IconButton,
  List,
  ListItemButton,
  ListItemText,
  Stack,
  Toolbar,
  Tooltip,
  Typography,
} from '@mui/material';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import MenuIcon from '@mui/icons-material/Menu';
import LightModeIcon from '@mui/icons-material/LightMode';
import LogoutIcon from '@mui/icons-material/Logout';
import { Suspense, useState } from 'react';
import { Loading } from './states';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useCan, useSession, useSignOut } from '../features/session/hooks';
import { AlertStreamProvider, useAlertStream } from '../hooks/use-alert-stream';
import { useColorMode } from '../theme';

const NAV = [
  { to: '/', label: 'Dashboard' },
  { to: '/businesses', label: 'Businesses' },
  { to: '/alerts', label: 'Alerts' },
  { to: '/suggestions', label: 'Suggestions' },
];
/** Admin pages: shown to those who hold `admin` only. */
const ADMIN_NAV = [
  { to: '/access', label: 'Access' },
  { to: '/audit', label: 'Audit log' },
];

/**
 * The signed-in frame: navigation, live-alert counter, theme switch, sign-out; one live alert stream for every page.
 */
export function AppLayout() {
  return (
    <AlertStreamProvider>
      <Frame />
    </AlertStreamProvider>
  );
}

function Frame() {
  const { mode, toggle } = useColorMode();
  const navigate = useNavigate();
  const session = useSession().data;
  const isAdmin = useCan('admin');
  const signOut = useSignOut();
  const nav = isAdmin ? [...NAV, ...ADMIN_NAV] : NAV;
  // Alerts that opened (or grew) since the person last looked at the list, counted once each.
  const [live, setLive] = useState<ReadonlySet<string>>(new Set());
  // Below `md` (900 px: phones, small tablets) the navigation moves into a drawer behind a menu button.
  const [drawer, setDrawer] = useState(false);
  useAlertStream((a) => a.status === 'open' && setLive((ids) => (ids.has(a.id) ? ids : new Set(ids).add(a.id))));
  const label = (n: { to: string; label: string }) =>
    n.to === '/alerts' ? (
      <Badge badgeContent={live.size} color="error" data-testid="live-alerts">
        {n.label}
      </Badge>
    ) : (
      n.label
    );
  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'background.default' }}>
      <AppBar position="sticky" elevation={1}>
        <Toolbar component="nav" aria-label="Main">
          <IconButton
            color="inherit"
            edge="start"
            aria-label="open navigation"
            onClick={() => setDrawer(true)}
            sx={{ mr: 1, display: { xs: 'inline-flex', md: 'none' } }}
          >
            <MenuIcon />
          </IconButton>
          <Typography variant="h6" sx={{ mr: 3, fontWeight: 700, flexGrow: { xs: 1, md: 0 } }}>
            Anom
          </Typography>
          <Stack direction="row" spacing={1} sx={{ flexGrow: 1, display: { xs: 'none', md: 'flex' } }}>
            {nav.map((n) => (
              <Button
                key={n.to}
                component={NavLink}
                to={n.to}
                end={n.to === '/'}
                color="inherit"
                sx={{ '&.active': { bgcolor: 'rgba(255,255,255,0.16)' } }}
                onClick={() => n.to === '/alerts' && setLive(new Set())}
              >
                {label(n)}
              </Button>
            ))}
          </Stack>
          {session?.user && (
            <Box
              sx={{ mr: 1, textAlign: 'right', lineHeight: 1.1, display: { xs: 'none', sm: 'block' } }}
              data-testid="signed-in-as"
            >
              <Typography variant="body2" component="div" sx={{ fontWeight: 600 }}>
                {session.user.displayName}
              </Typography>
              <Typography variant="caption" component="div" sx={{ opacity: 0.8 }}>
                {session.user.role}
              </Typography>
            </Box>
          )}
          <Tooltip title={mode === 'light' ? 'Dark theme' : 'Light theme'}>
            <IconButton color="inherit" onClick={toggle} aria-label="toggle dark theme">
              {mode === 'light' ? <DarkModeIcon /> : <LightModeIcon />}
            </IconButton>
          </Tooltip>
          <Tooltip title="Sign out">
            <IconButton
              color="inherit"
              aria-label="sign out"
              onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/sign-in') })}
            >
              <LogoutIcon />
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      <Drawer open={drawer} onClose={() => setDrawer(false)} aria-label="navigation">
        <List sx={{ width: 240 }} component="nav" aria-label="Main navigation">
          {session?.user && (
            <ListItemText sx={{ px: 2, py: 1 }} primary={session.user.displayName} secondary={session.user.role} />
          )}
          {nav.map((n) => (
            <ListItemButton
              key={n.to}
              component={NavLink}
              to={n.to}
              end={n.to === '/'}
              sx={{ '&.active': { bgcolor: 'action.selected' } }}
              onClick={() => {
                if (n.to === '/alerts') setLive(new Set());
                setDrawer(false);
              }}
            >
              <ListItemText primary={label(n)} />
            </ListItemButton>
          ))}
        </List>
      </Drawer>
      <Container maxWidth="xl" sx={{ py: { xs: 2, md: 3 }, px: { xs: 1, sm: 2, md: 3 } }} component="main">
        {/* Pages load as their own chunks: the navigation stays while one arrives. */}
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </Container>
    </Box>
  );
}
