using System.Text.Json;

namespace Portal.Automations;

/// <summary>How a rule's conditions and actions are written in the database and in an export: camelCase JSON.</summary>
internal static class RuleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static IReadOnlyList<RuleCondition> Conditions(string json) =>
        JsonSerializer.Deserialize<List<RuleCondition>>(json, Options) ?? [];

    public static IReadOnlyList<RuleAction> Actions(string json) =>
        JsonSerializer.Deserialize<List<RuleAction>>(json, Options) ?? [];

    public static IReadOnlyList<ActionResult> Results(string json) =>
        JsonSerializer.Deserialize<List<ActionResult>>(json, Options) ?? [];

    public static IReadOnlyList<RuleVerdict> Verdicts(string json) =>
        JsonSerializer.Deserialize<List<RuleVerdict>>(json, Options) ?? [];

    public static string Write<T>(IReadOnlyList<T> items) => JsonSerializer.Serialize(items, Options);
}
