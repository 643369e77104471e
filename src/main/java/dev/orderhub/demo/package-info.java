/**
 * The demo: with {@code orderhub.demo.enabled=true} (the README's run command) the hub starts
 * every installed connector's {@link dev.orderhub.connector.Sandbox} in-process, makes one demo
 * channel of each, and plays buyers and a warehouse, in its own data directory. Off unless asked
 * for; the tests run without it. See docs/demo.md.
 */
package dev.orderhub.demo;
