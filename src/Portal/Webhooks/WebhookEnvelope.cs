using System.Text.Json;

namespace Portal.Webhooks;

/// <summary>
/// The two envelope fields the intake needs — <c>action</c> and <c>installation.uuid</c> — read straight from the
/// bytes without building a document (sentry-contract.md §2.7). The rest is skipped but still validated as JSON.
/// </summary>
internal readonly record struct WebhookEnvelope(string? Action, Guid? InstallationUuid)
{
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>How a stored body is read whole: the intake's depth, and a repeated property refused.</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = ReaderOptions.MaxDepth, AllowDuplicateProperties = false };

    /// <summary>The stored body as a document, or null when it does not read as one (processing flags it unparsed).</summary>
    public static JsonDocument? TryParse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool TryRead(ReadOnlySpan<byte> body, out WebhookEnvelope envelope)
    {
        envelope = default;
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            string? action = null;
            Guid? installation = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("action"u8))
                {
                    reader.Read();
                    action = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("installation"u8))
                {
                    reader.Read();
                    installation = ReadInstallationUuid(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }

            envelope = new WebhookEnvelope(action, installation);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Guid? ReadInstallationUuid(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        Guid? uuid = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUuid = reader.ValueTextEquals("uuid"u8);
            reader.Read();
            if (isUuid && reader.TokenType == JsonTokenType.String && Guid.TryParseExact(reader.GetString(), "D", out var parsed))
            {
                uuid = parsed;
            }
            else
            {
                reader.Skip();
            }
        }

        return uuid;
    }
}
