using Microsoft.Extensions.Options;

namespace Portal.SentryPlatform;

/// <summary>The budget must leave room for the largest body a Sentry route accepts, beside the small-body reserve.</summary>
internal sealed class IntakeOptionsValidator : IValidateOptions<IntakeOptions>
{
    /// <summary>The largest body any route Sentry calls accepts (webhooks and service hooks: 2 MiB).</summary>
    public const long LargestBodyBytes = Portal.Webhooks.WebhookEndpoints.MaxBodyBytes;

    public ValidateOptionsResult Validate(string? name, IntakeOptions options)
    {
        var failures = new List<string>();
        if (options.SmallBodyReserveBytes < UnverifiedBodyBudget.SmallBodyBytes)
        {
            failures.Add($"Portal:Intake:SmallBodyReserveBytes must be at least {UnverifiedBodyBudget.SmallBodyBytes} (one small delivery).");
        }

        if (options.UnverifiedBodyBudgetBytes - options.SmallBodyReserveBytes < LargestBodyBytes)
        {
            failures.Add($"Portal:Intake:UnverifiedBodyBudgetBytes must exceed Portal:Intake:SmallBodyReserveBytes by at least {LargestBodyBytes} (the largest body a Sentry route accepts).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
