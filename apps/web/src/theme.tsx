import { CssBaseline, ThemeProvider, createTheme, type PaletteMode } from '@mui/material';
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

const KEY = 'anom.colorMode';

interface ColorMode {
  mode: PaletteMode;
  toggle: () => void;
}

const ColorModeContext = createContext<ColorMode>({ mode: 'light', toggle: () => undefined });

/** Light or dark theme, following the system until the person picks one (kept in local storage). */
export function AppThemeProvider({ children }: { children: ReactNode }) {
  const system: PaletteMode =
    typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  const [mode, setMode] = useState<PaletteMode>(() => (localStorage.getItem(KEY) as PaletteMode | null) ?? system);
  const value = useMemo(
    () => ({
      mode,
      toggle: () =>
        setMode((m) => {
          const next = m === 'light' ? 'dark' : 'light';
          localStorage.setItem(KEY, next);
          return next;
        }),
    }),
    [mode],
  );
  const theme = useMemo(
    () =>
      createTheme({
        palette: { mode, primary: { main: mode === 'light' ? '#3949ab' : '#9fa8da' } },
        shape: { borderRadius: 8 },
      }),
    [mode],
  );
  return (
    <ColorModeContext.Provider value={value}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        {children}
      </ThemeProvider>
    </ColorModeContext.Provider>
  );
}

export function useColorMode(): ColorMode {
  return useContext(ColorModeContext);
}
