using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Simulator;

/// <summary>
/// Turns a sample into a new, distinct delivery (the portal dedupes on the SHA-256 of the body): fresh issue id, short
/// id, event id, comment id, incident id, run id and grant code, optionally another installation and organization.
/// Everything else, including key order and Sentry's encoding, stays as in the sample. Thread-safe.
/// </summary>
public sealed class DeliveryVariator
{
    private readonly DeliveryVariation variation;
    private long nextId;

    public DeliveryVariator(DeliveryVariation? variation = null)
    {
        this.variation = variation ?? new DeliveryVariation();
        if (this.variation.OrganizationSlug is { } slug && !IsSlug(slug))
        {
            throw new ArgumentException($"'{slug}' is not an organization slug (lowercase letters, digits, '-', '_').", nameof(variation));
        }

        // Sentry's ids are 64-bit; starting at a random point keeps separate runs against one database distinct.
        nextId = this.variation.FirstId ?? Random.Shared.NextInt64(2_000_000_000, 8_000_000_000);
    }

    /// <summary>The installation the varied deliveries belong to.</summary>
    public Guid InstallationUuid => variation.InstallationUuid ?? SentrySamples.SampleInstallationUuid;

    /// <summary>The organization slug of that installation.</summary>
    public string OrganizationSlug => variation.OrganizationSlug ?? SentrySamples.SampleOrganizationSlug;

    /// <summary>A new body for <paramref name="sample"/> that differs from every other one this instance produced.</summary>
    public byte[] Vary(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var root = SentryJson.Parse(sample.Body);
        var id = Interlocked.Increment(ref nextId);
        var replacements = new Replacements(id, Guid.NewGuid().ToString("N"), this);
        replacements.Learn(root);
        Rewrite(root, replacements);
        VaryKnownFields(root, id);
        if (root["data"]?["installation"] is JsonObject { } installation && installation["code"] is null
            && root["actor"] is JsonObject { } actor && actor["type"]?.GetValue<string>() == "user")
        {
            // installation.deleted carries no id of its own; another uninstalling user keeps the body distinct.
            actor["id"] = id % 1_000_000;
        }

        return SentryJson.Serialize(root);
    }

    /// <summary>Varies and signs <paramref name="sample"/>.</summary>
    public SignedDelivery Build(Sample sample, string secret)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var body = Vary(sample);
        return new SignedDelivery(sample.Resource, sample.Action, body, SentrySigner.Sign(body, secret));
    }

    private static void VaryKnownFields(JsonNode root, long id)
    {
        var data = root["data"] as JsonObject;
        if (data?["issue"] is JsonObject issue && issue["shortId"] is JsonValue shortId
            && shortId.GetValueKind() == JsonValueKind.String)
        {
            // FRONT-END-9 → FRONT-END-<n>: the project prefix stays, the per-project counter moves on.
            var value = shortId.GetValue<string>();
            var dash = value.LastIndexOf('-');
            issue["shortId"] = (dash > 0 ? value[..dash] : value) + "-" + (id % 100_000).ToString(CultureInfo.InvariantCulture);
        }

        if (data?["comment_id"] is not null)
        {
            data["comment_id"] = id;
        }

        if (data?["run_id"] is not null)
        {
            data["run_id"] = id;
        }

        if (data?["metric_alert"] is JsonObject incident)
        {
            incident["id"] = id.ToString(CultureInfo.InvariantCulture);
            incident["identifier"] = (id % 100_000).ToString(CultureInfo.InvariantCulture);
        }

        if (data?["installation"] is JsonObject installation && installation["code"] is not null)
        {
            // A grant code is 64 hex characters (sentry-contract.md §2.9.1).
            installation["code"] = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        }
    }

    // Walks every value: ids and the installation uuid also sit inside URLs and nested objects.
    private static void Rewrite(JsonNode node, Replacements replacements)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is { } child && replacements.Replace(child) is { } replaced)
                    {
                        obj[key] = replaced;
                    }
                    else if (obj[key] is { } container)
                    {
                        Rewrite(container, replacements);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child && replacements.Replace(child) is { } replaced)
                    {
                        array[i] = replaced;
                    }
                    else if (array[i] is { } container)
                    {
                        Rewrite(container, replacements);
                    }
                }

                break;
        }
    }

    private static bool IsSlug(string slug) =>
        slug.Length is > 0 and <= 64 && slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');

    private sealed class Replacements(long id, string eventId, DeliveryVariator owner)
    {
        private readonly List<(string Old, string New)> texts = [];
        private string? oldIssueId;

        public void Learn(JsonNode root)
        {
            var data = root["data"];
            oldIssueId = Text(data?["issue"]?["id"]) ?? Text(data?["error"]?["issue_id"]) ?? Text(data?["event"]?["issue_id"])
                ?? Text(data?["issue_id"]) ?? Text(data?["group_id"]);
            if (oldIssueId is not null)
            {
                texts.Add((oldIssueId, id.ToString(CultureInfo.InvariantCulture)));
            }

            if ((Text(data?["error"]?["event_id"]) ?? Text(data?["event"]?["event_id"])) is { } oldEventId)
            {
                texts.Add((oldEventId, eventId));
            }

            texts.Add((SentrySamples.SampleInstallationUuid.ToString(), owner.InstallationUuid.ToString()));
            if (owner.variation.OrganizationSlug is { } slug)
            {
                // In URLs the slug is a host label or a path segment; matching the delimiters avoids touching other text.
                texts.Add(($"//{SentrySamples.SampleOrganizationSlug}.", $"//{slug}."));
                texts.Add(($"/{SentrySamples.SampleOrganizationSlug}/", $"/{slug}/"));
            }
        }

        public JsonValue? Replace(JsonNode node)
        {
            if (node is not JsonValue value)
            {
                return null;
            }

            switch (value.GetValueKind())
            {
                case JsonValueKind.String:
                    var text = value.GetValue<string>();
                    var replaced = text;
                    foreach (var (old, @new) in texts)
                    {
                        replaced = replaced.Replace(old, @new, StringComparison.Ordinal);
                    }

                    if (owner.variation.OrganizationSlug is { } slug && IsOrganizationSlug(node))
                    {
                        replaced = slug;
                    }

                    return ReferenceEquals(replaced, text) || replaced == text ? null : JsonValue.Create(replaced);
                case JsonValueKind.Number when oldIssueId is not null && value.ToJsonString() == oldIssueId:
                    // comment.* issue_id and seer group_id are numbers.
                    return JsonValue.Create(id);
                default:
                    return null;
            }
        }

        // data.installation.organization.slug in installation payloads.
        private static bool IsOrganizationSlug(JsonNode node) =>
            node.Parent is JsonObject { Parent: JsonObject } organization && node.GetPropertyName() == "slug"
            && organization.GetPropertyName() == "organization";

        private static string? Text(JsonNode? node) => node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        };
    }
}
