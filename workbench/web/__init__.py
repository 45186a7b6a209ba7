"""The served dashboard's web layer: who may connect (hosts), sign-in, and what the server answers.

``hosts``: the Host allowlist (DNS rebinding); ``components``: the only resource route for component
files; ``headers``: security headers and the Host check on every response; ``throttle``: back-off of
failed sign-ins; ``signin``: the Bokeh auth provider with the login and logout pages and server-side
sessions. ``workbench.server`` wires them into Panel through public options.
"""
