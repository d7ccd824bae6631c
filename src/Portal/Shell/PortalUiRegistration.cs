using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Portal.Shell;

internal static class PortalUiRegistration
{
    /// <summary>Razor components on interactive server rendering, MudBlazor, health checks.</summary>
    public static IHostApplicationBuilder AddPortalUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<PortalOptions>().BindConfiguration(PortalOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        builder.AddTrustedProxies();
        builder.AddBrowserRateLimits();
        return builder;
    }

    /// <summary>
    /// Forwarded headers from trusted proxies, the instance's name, routing, errors, security headers, the hubs' origin check, status-code pages,
    /// sign-in, antiforgery and rate limits, in that order.
    /// </summary>
    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseMiddleware<InstanceHeader>();

        // Explicit, after the two above: the Sentry routes short-circuit at routing (no browser middleware), and they
        // too must see the client's address and say which instance answered. Implicitly, routing would run first.
        app.UseRouting();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<CrossOriginHubGuard>();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Static assets for anyone; the admin pages behind sign-in (the fallback policy).</summary>
    public static WebApplication MapPortalUi(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();

        // SecurityHeaders sends the whole CSP (frame-ancestors 'none'); no second, weaker one from Blazor.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
