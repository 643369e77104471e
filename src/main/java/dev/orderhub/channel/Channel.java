package dev.orderhub.channel;

import java.util.List;

/** A connected sales channel account and the locations that serve it, in priority order. */
public record Channel(String id, String name, String kind, List<String> locations) {
}
