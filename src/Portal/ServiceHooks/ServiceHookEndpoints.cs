using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Scaleout;
using Portal.SentryPlatform;
using Portal.Webhooks;

namespace Portal.ServiceHooks;

/// <summary>
/// <c>POST /sentry/service-hook</c>: a Sentry project service hook's events (sentry-contract.md §4), verified with
/// the secret of the hook <c>X-ServiceHook-GUID</c> names, then stored and streamed like any delivery.
/// </summary>
internal static class ServiceHookEndpoints
{
    public static IHostApplicationBuilder AddServiceHooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServiceHookRegistry>();
        builder.Services.AddSingleton<IServiceHookKeys>(services => services.GetRequiredService<ServiceHookRegistry>());
        builder.Services.AddSingleton<IInstanceCache>(services => services.GetRequiredService<ServiceHookRegistry>());
        return builder;
    }

    public static RouteGroupBuilder MapServiceHookEndpoints(this RouteGroupBuilder fromSentry)
    {
        fromSentry.MapPost("/service-hook", ReceiveAsync).SignedBy(SentrySignatureScheme.ServiceHook, WebhookEndpoints.MaxBodyBytes);
        return fromSentry;
    }

    // The signature filter has already found the hook and checked its secret.
    private static async Task<Results<Accepted, Ok, StatusCodeHttpResult>> ReceiveAsync(
        SentryRequest request, ServiceHookRegistry hooks, DeliveryIntake intake, HttpContext context)
    {
        var hook = await hooks.FindAsync(request.ServiceHookGuid) ?? throw new InvalidOperationException("A verified service hook delivery names no registered hook.");
        return WebhookEndpoints.Acknowledge(await intake.AcceptServiceHookAsync(request, hook.OrganizationId), context);
    }
}
