using MudBlazor;

namespace Portal.Shell;

/// <summary>Sentry-like purple on a calm background: readable at 3 a.m., in light and dark.</summary>
internal static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#6C5FC7",
            Secondary = "#2B1D38",
            AppbarBackground = "#2B1D38",
            Background = "#F7F6FB",
            DrawerBackground = "#FFFFFF",
            Success = "#2BA185",
            Warning = "#E5A000",
            Error = "#E03E2F",
            Info = "#3C74DD",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9D8FF0",
            Secondary = "#C9BFF7",
            AppbarBackground = "#1A1225",
            Background = "#15101C",
            Surface = "#201A2B",
            DrawerBackground = "#1A1225",
            Success = "#3CC9A4",
            Warning = "#F2B712",
            Error = "#F55459",
            Info = "#6C9DF5",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
    };
}
