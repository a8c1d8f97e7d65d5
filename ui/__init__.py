"""Streamlit components, chart builders and session state for the pages.

May import ``planner`` and streamlit; never imported by ``planner``.
"""
