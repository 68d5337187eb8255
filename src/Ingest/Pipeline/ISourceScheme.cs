using Microsoft.Extensions.Logging;
using StreamJepa.Core.Frames;
using StreamJepa.Ingest.Configuration;

namespace StreamJepa.Ingest.Pipeline;

/// <summary>
/// A kind of source the ingest pipeline does not read itself, chosen by the scheme of its URI (<c>kafka://TOPIC</c> is
/// one, in the Kafka project). The pipeline registers the source's stream, hands the scheme what it reads with, and
/// runs the reader on a thread of its own; a reader may feed several streams (<see cref="SchemeContext.StreamFor"/>).
/// </summary>
public interface ISourceScheme
{
    /// <summary>The URI scheme, without "://" (e.g. "kafka").</summary>
    string Scheme { get; }

    /// <summary>A reader for <paramref name="source"/>; throws <see cref="Sources.SourceException"/> when it cannot be read.</summary>
    ISchemeReader Open(SourceOptions source, SchemeContext context);
}

/// <summary>A running source of an <see cref="ISourceScheme"/>.</summary>
public interface ISchemeReader
{
    /// <summary>Reads until the source ends or <paramref name="cancellationToken"/> fires.</summary>
    void Run(CancellationToken cancellationToken);

    /// <summary>The results of frame <paramref name="sequence"/> of <paramref name="streamId"/> reached every sink.</summary>
    void Acknowledge(string streamId, long sequence);
}

/// <summary>What a scheme's reader reads with: the ingest settings, the frame pool, where frames go, and the statistics of its streams.</summary>
/// <param name="Options">Ingest settings (model input size, normalisation).</param>
/// <param name="Pool">Pool the frames are rented from.</param>
/// <param name="Emitter">Where frames go, with backpressure.</param>
/// <param name="Stats">The source's own stream.</param>
/// <param name="StreamFor">The stream of an id the source carries, registered on first use.</param>
/// <param name="Time">Clock.</param>
/// <param name="Loggers">Logging.</param>
public sealed record SchemeContext(IngestOptions Options, FramePool Pool, IFrameEmitter Emitter, StreamStats Stats, Func<string, StreamStats> StreamFor, TimeProvider Time, ILoggerFactory Loggers);
