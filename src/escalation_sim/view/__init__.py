"""The live browser view (``escalation-sim view``): Mesa's SolaraViz over the engine.

``live`` holds the view's Mesa model and the numbers its charts show (numpy and
matplotlib only); ``app`` the Solara page; ``serve`` the local web server. Only
``app`` and ``serve`` need the optional ``[view]`` extra (solara, solara-assets).
"""
