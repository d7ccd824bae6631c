using Microsoft.AspNetCore.Mvc;
using MudBlazor.Services;

namespace Portal.Shell;

internal static class PortalUiRegistration
{
    /// <summary>Razor components on interactive server rendering, MudBlazor, health checks.</summary>
    public static IHostApplicationBuilder AddPortalUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>Errors, security headers, status-code pages and antiforgery, in that order.</summary>
    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseMiddleware<SecurityHeaders>();
        if (app.Environment.IsDevelopment())
        {
            // The status pages are Razor pages, which exist only where the UI is mapped (see MapPortalUi).
            app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        }

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>
    /// Static assets always; the admin pages only in Development until sign-in exists — elsewhere they answer 404
    /// (design.md §5).
    /// </summary>
    public static WebApplication MapPortalUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapHealthChecks("/healthz").WithMetadata(new SkipStatusCodePagesAttribute());
        if (app.Environment.IsDevelopment())
        {
            // SecurityHeaders sends the whole CSP (frame-ancestors 'none'); no second, weaker one from Blazor.
            app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        }

        return app;
    }
}
