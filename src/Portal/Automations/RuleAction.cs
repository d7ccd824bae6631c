using System.Text.Json.Serialization;
using Portal.Data;

namespace Portal.Automations;

/// <summary>
/// One "then" of a rule, as stored (JSON) and edited. Which fields apply depends on <see cref="Kind"/>:
/// <see cref="Text"/> for a comment (a template), <see cref="Assignee"/> for an assignment or a ticket,
/// <see cref="Value"/> for a status or priority, <see cref="Title"/> for a ticket (a template).
/// </summary>
internal sealed record RuleAction
{
    public required ActionKind Kind { get; init; }

    public string? Text { get; init; }

    public string? Assignee { get; init; }

    public string? Value { get; init; }

    public string? Title { get; init; }

    /// <summary>Where a forward goes; checked against <see cref="ForwardDestinations"/> when saved and when sent.</summary>
    public string? Url { get; init; }

    /// <summary>How many of <paramref name="actions"/> count against a rule's limit: all but "stop", which acts on nothing.</summary>
    public static int Counted(IEnumerable<RuleAction> actions) => actions.Count(a => a.Kind != ActionKind.Stop);

    /// <summary>Checks the action's shape; returns what is wrong, or null.</summary>
    public string? Problem() => Kind switch
    {
        ActionKind.Comment when string.IsNullOrWhiteSpace(Text) => "A comment needs its text.",
        ActionKind.Comment when Text!.Length > Limits.CommentText => $"A comment is at most {Limits.CommentText:N0} characters.",
        ActionKind.Assign when string.IsNullOrWhiteSpace(Assignee) => "Say who: user:<id>, team:<id>, a username or an email.",
        ActionKind.SetStatus when Value is not ("resolved" or "ignored" or "unresolved") => "A status is resolved, ignored or unresolved.",
        ActionKind.SetPriority when Value is not ("high" or "medium" or "low") => "A priority is high, medium or low.",
        ActionKind.Ticket when Value is not (null or "high" or "medium" or "low") => "A ticket's priority is high, medium or low.",
        ActionKind.Forward when string.IsNullOrWhiteSpace(Url) => "Say where to forward: an https URL the operator allows.",
        ActionKind.Ticket when Title is { Length: > Limits.TicketTitle } => $"A ticket title is at most {Limits.TicketTitle} characters.",
        _ => null,
    };
}

[JsonConverter(typeof(JsonStringEnumConverter<ActionKind>))]
internal enum ActionKind
{
    /// <summary>Comment on the Sentry issue.</summary>
    [JsonStringEnumMemberName("comment")]
    Comment,

    /// <summary>Assign the Sentry issue to a user or team.</summary>
    [JsonStringEnumMemberName("assign")]
    Assign,

    /// <summary>Resolve, ignore or unresolve the Sentry issue.</summary>
    [JsonStringEnumMemberName("status")]
    SetStatus,

    /// <summary>Set the Sentry issue's priority.</summary>
    [JsonStringEnumMemberName("priority")]
    SetPriority,

    /// <summary>Create the portal ticket, or find the one it is linked to.</summary>
    [JsonStringEnumMemberName("ticket")]
    Ticket,

    /// <summary>Assign the Sentry issue to the owner of its first in-app frame's file, per the organization's CODEOWNERS.</summary>
    [JsonStringEnumMemberName("codeowners")]
    RouteByCodeOwners,

    /// <summary>Send the delivery to a URL, signed per Standard Webhooks.</summary>
    [JsonStringEnumMemberName("forward")]
    Forward,

    /// <summary>Do not run the organization's later rules on this delivery.</summary>
    [JsonStringEnumMemberName("stop")]
    Stop,
}

/// <summary>What one action did: <c>done</c>, <c>failed</c> (tried again by the automation worker), <c>skipped</c> or, in a dry run, <c>would</c>.</summary>
internal sealed record ActionResult(ActionKind Kind, string Status, string Detail, string? Link = null)
{
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Would = "would";
}
