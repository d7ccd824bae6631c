using Portal.Dashboard;
using Portal.Webhooks;

namespace Portal.Automations;

internal static class AutomationsRegistration
{
    /// <summary>
    /// Teams' own rules: compiled per organization and judged on each delivery during processing; the runs they
    /// decide are carried out by the automation worker.
    /// </summary>
    public static WebApplicationBuilder AddAutomations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RuleBook>();
        builder.Services.AddSingleton<RuleFrequency>();
        builder.Services.AddSingleton<AutomationActions>();
        var destinations = ForwardDestinations.From(builder.Configuration);
        builder.Services.AddSingleton(destinations);
        builder.Services.AddSingleton<DeliveryForwarder>();
        builder.Services.AddHttpClient(DeliveryForwarder.ClientName).ConfigurePrimaryHttpMessageHandler(() => DeliveryForwarder.CreateHandler(destinations));
        builder.Services.AddSingleton<AutomationDirectory>();
        builder.Services.AddSingleton<CodeOwnersRouting>();
        builder.Services.AddSingleton<DryRun>();
        builder.Services.AddSingleton<IDeliveryStep, RuleMatching>();
        builder.Services.AddSingleton<AutomationRunner>();
        builder.Services.AddSingleton<AutomationWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AutomationWorker>());
        builder.Services.AddSingleton(new DeliveryDetailSection(typeof(DeliveryAutomations)));
        builder.Services.AddSingleton<IReplayConsequence, AutomationReplay>();
        return builder;
    }
}
