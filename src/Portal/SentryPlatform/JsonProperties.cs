using System.Globalization;
using System.Text.Json;

namespace Portal.SentryPlatform;

/// <summary>Reads what Sentry sends and answers, where any property may be missing or of another type.</summary>
internal static class JsonProperties
{
    /// <summary>The string value of <paramref name="property"/>, or null when the element is not an object or it is absent or not a string.</summary>
    public static string? StringOf(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>
    /// A positive id in <paramref name="property"/>, written as a number or as a decimal string (Sentry writes
    /// organization ids both ways: an int in webhooks, a string in its REST answers); null otherwise.
    /// </summary>
    public static long? IdOf(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt64(out var number) && number > 0 => number,
                JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 => parsed,
                _ => null,
            }
            : null;

    /// <summary>The object in <paramref name="property"/>, or an undefined element when there is none.</summary>
    public static JsonElement ObjectOf(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : default;
}
