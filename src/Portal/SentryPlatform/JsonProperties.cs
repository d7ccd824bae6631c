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
}
