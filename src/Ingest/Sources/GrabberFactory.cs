using StreamJepa.Ingest.Configuration;

namespace StreamJepa.Ingest.Sources;

/// <summary>Opens the grabber for a source. Failures throw <see cref="SourceException"/> naming the source.</summary>
public sealed class GrabberFactory
{
    private readonly IngestOptions _options;

    public GrabberFactory(IngestOptions options)
    {
        _options = options;
    }

    public IFrameGrabber Open(SourceDescriptor source) => source.Kind switch
    {
        SourceKind.File => VideoCaptureGrabber.OpenFile(source, _options.DecodeThreads),
        SourceKind.Url => FfmpegPipeGrabber.Open(source, _options.FfmpegPath, _options.OpenTimeoutMs, _options.ReadTimeoutMs),
        SourceKind.Camera => VideoCaptureGrabber.OpenCamera(source, _options.OpenTimeoutMs, _options.ReadTimeoutMs),
        SourceKind.ImageFolder => ImageFolderGrabber.Open(source),
        SourceKind.Synthetic => new SyntheticGrabber(source.Scene ?? new()),
        _ => throw new SourceException(source.Id, $"unknown source kind {source.Kind}"),
    };
}
